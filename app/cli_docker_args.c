#include "app/cli_docker_args.h"

#include <stdlib.h>

#include "app/cli_args.h"

bool hf_arg_docker_security(int *i, int argc, char **argv, struct hf_error *err)
{
    const char *value;
    if (hf_arg_flag(argv[*i], "--tls-verify")) {
        setenv("DOCKER_TLS_VERIFY", "1", 1);
        return true;
    }
    if (hf_arg_flag(argv[*i], "--insecure")) {
        setenv("HFSIM_DOCKER_INSECURE", "1", 1);
        return true;
    }
    if (hf_arg_value(i, argc, argv, "--tls-cert-path", &value, err)) {
        if (value)
            setenv("DOCKER_CERT_PATH", value, 1);
        return true;
    }
    return false;
}
