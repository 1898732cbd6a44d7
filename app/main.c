/* hfsim: a thin main; everything lives in the hfsimcore library so tests can call it. */
#include "app/cli.h"

int main(int argc, char **argv) { return hf_cli_main(argc, argv); }
