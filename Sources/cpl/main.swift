print("cpl")
