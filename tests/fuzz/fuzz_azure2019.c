/* libFuzzer harness for the azure2019 trace reader (scripts/fuzz.sh builds and runs it). */
#include "fuzz_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return hf_fuzz_trace_one(HF_TRACE_AZURE2019, data, size);
}
