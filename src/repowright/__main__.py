from repowright.cli.app import main

main()
