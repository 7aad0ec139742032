# The pass backend needs no library at build time: pass is a program run with an argument vector.
set(securestore_backend_found TRUE)
set(securestore_backend_libraries "")
set(securestore_backend_pc_requires "")
set(securestore_backend_pc_libs "")
