/* Test helper for tests that need a Docker engine (tests/live, the live CLI tests).
 *
 * The engine is the one hfsim itself would use: $DOCKER_HOST, else the local socket, so
 * `DOCKER_HOST=tcp://127.0.0.1:1 ctest -R live_` runs the suite as on a machine without an engine.
 *
 * Such a test executable defines `int main(int argc, char *argv[]) { return live_test_main(argc,
 * argv); }` and its suites `.fini = live_test_remove_mine`:
 * - where no engine answers, every test that needs one skips itself (live_test_engine_or_skip,
 *   loudly, with the reason) and the executable exits LIVE_TEST_SKIPPED unless a test failed (also
 *   when every test skipped itself for a reason of its own, as the two-host tests do), so
 *   ctest (SKIP_RETURN_CODE, tests/CMakeLists.txt) reports it Skipped, never Passed;
 * - a test that fails an assertion still leaves no container: Criterion runs the suite's .fini in
 *   the test's process after a failed assertion, and it removes every container that process owns
 *   (owner labels, live/owner.h); after all tests, main removes what crashed or timed-out tests
 *   left (owner gone, created since main started). */
#ifndef HF_TEST_LIVE_ENGINE_H
#define HF_TEST_LIVE_ENGINE_H

#include <jansson.h>

#include "live/docker.h"

#define LIVE_TEST_SKIPPED 77
/* "<host>:<pid>" of the test process that made a container, whatever its owner labels claim (tests
 * of cleanup make containers that look as if another process or machine made them). */
#define LIVE_TEST_LABEL "hfsim.test.maker"

/* The engine address: hf_docker_default_host(). */
const char *live_test_host(void);
/* Whether the engine answers; `why` gets the reason when it does not. */
bool live_test_engine_answers(struct hf_error *why);
/* An open client on the engine; skips the calling test when it does not answer (Criterion runs no
 * .fini after a skip: undo what .init made first). Caller closes. */
struct hf_docker *live_test_engine_or_skip(void);
/* Labels of a container a test makes by hand: run id `run`, owned by the calling process, marked
 * with LIVE_TEST_LABEL. Caller owns them. */
json_t *live_test_labels(const char *run);
/* Adds LIVE_TEST_LABEL for the calling process to `labels`. */
void live_test_mark(json_t *labels);
/* A suite's .fini: removes the containers the calling process owns or marked (nothing when there
 * are none). */
void live_test_remove_mine(void);
/* main() of a live test executable (see above). */
int live_test_main(int argc, char *argv[]);

#endif
