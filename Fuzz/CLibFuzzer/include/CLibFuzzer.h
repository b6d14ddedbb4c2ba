#ifndef C_LIB_FUZZER_H
#define C_LIB_FUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver as a library call (compiler-rt, LLVM 11 and later): parses libFuzzer's
/// command line and fuzzes `callback`. Only linked with `-sanitize=fuzzer`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

/// Defined by each harness (`@_cdecl`): libFuzzer's callback for one input.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
