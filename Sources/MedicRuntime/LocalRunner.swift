import MedicCore
