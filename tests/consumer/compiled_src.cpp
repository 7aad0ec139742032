// The one file of the consumer's program that compiles securestore's stores
// (SECURESTORE_SEPARATE_COMPILATION, defined by securestore::compiled in every file).
#include <securestore/src.hpp>
