import MedicCLI
MedicCommand.main()
