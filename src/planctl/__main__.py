from planctl.cli import main

main()
