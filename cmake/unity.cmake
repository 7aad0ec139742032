# Unity builds for the project's own programs (tests, the tool, the fuzzers). Every file of the
# project instantiates the same store templates and compiles the same inline code of
# nlohmann/json, Boost.Outcome and CLI11; almost all of a file's compile time is that code
# generation, not parsing (the tool's eleven files parse in 14 s of CPU together, and compile in
# about ten times that one by one). Compiling the files of a target in a few batches does it once
# per batch. So the files of one target must not define the same name at namespace scope,
# anonymous namespaces included.
#
# -DSECURESTORE_UNITY_BUILD=OFF compiles them one by one (faster to rebuild after editing one
# file, and what a compile error is easiest to read in).
option(SECURESTORE_UNITY_BUILD "Compile the tests', the tool's and the fuzzers' files in batches" ON)

# Batches of `batch_size` files (0: the whole target in one).
function(securestore_unity target batch_size)
  if(SECURESTORE_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${batch_size})
  endif()
endfunction()
