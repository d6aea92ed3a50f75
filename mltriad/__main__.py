from mltriad.cli import main

main()
