print("insi-sim")
