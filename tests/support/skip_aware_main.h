/* main() for a test executable whose tests may all skip themselves (a tool the machine lacks: a
 * browser, an engine): it exits SKIP_AWARE_SKIPPED (77) when every test skipped and none failed, so
 * that ctest (SKIP_RETURN_CODE, tests/CMakeLists.txt) reports it Skipped, never Passed.
 * Use: `int main(int argc, char *argv[]) { return skip_aware_main(argc, argv); }`. */
#ifndef HF_TEST_SKIP_AWARE_MAIN_H
#define HF_TEST_SKIP_AWARE_MAIN_H

#define SKIP_AWARE_SKIPPED 77

int skip_aware_main(int argc, char *argv[]);

#endif
