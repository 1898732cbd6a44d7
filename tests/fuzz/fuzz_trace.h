/* Shared body of the libFuzzer harnesses (one per trace reader, see scripts/fuzz.sh): the input
 * becomes the reader's file(s), which are opened and replayed exactly as `hfsim run --trace` would.
 * A reader may refuse the input (an error naming the file) but never crash, leak, or issue other
 * than the invocations it announced. */
#ifndef HF_FUZZ_TRACE_H
#define HF_FUZZ_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "traces/trace.h"

/* For azure2019 the input holds up to three files separated by a 0x01 byte: invocations,
 * durations, memory. */
int hf_fuzz_trace_one(enum hf_trace_format format, const uint8_t *data, size_t size);

#endif
