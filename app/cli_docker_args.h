/* The options every live command takes for reaching Docker engines securely: --tls-verify,
 * --tls-cert-path DIR and --insecure. They set the environment variables the Docker driver reads
 * (live/docker.h: DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, HFSIM_DOCKER_INSECURE), the docker CLI's
 * convention, so that every client of a run (helper threads, the reaper process) sees the same. */
#ifndef HF_CLI_DOCKER_ARGS_H
#define HF_CLI_DOCKER_ARGS_H

#include <stdbool.h>

#include "sim/error.h"

/* True when argv[*i] is one of those options (a value taken advances *i); false otherwise. On a
 * missing value, true with err set (HF_EXIT_USAGE). */
bool hf_arg_docker_security(int *i, int argc, char **argv, struct hf_error *err);

#define HF_DOCKER_SECURITY_USAGE                                                                        \
    "  --tls-verify            reach tcp:// engines over TLS with client certificates (DOCKER_TLS_VERIFY)\n" \
    "  --tls-cert-path DIR     ca.pem, cert.pem and key.pem (DOCKER_CERT_PATH; default ~/.docker)\n"        \
    "  --insecure              allow plain TCP to an engine on another machine (root there to anyone)\n"

#endif
