import Core
print("not built yet")
