/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <spawnhelper.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sh_result result;
    sh_process *process;
    sh_spec *spec;
    int out[2], r;
    char buf[4096];
    ssize_t n;

    if (argc < 2) {
        fprintf(stderr, "usage: %s COMMAND [ARG...]\n", argv[0]);
        return 2;
    }
    if (pipe(out) < 0 || !(spec = sh_spec_new()))
        return 1;
    if (sh_spec_set_argv(spec, (const char *const *)argv + 1) < 0 ||
        sh_spec_unshare(spec, SH_NS_NET | SH_NS_PID) < 0 ||
        sh_spec_map_fd(spec, 1, out[1]) < 0 ||
        sh_spec_map_fd(spec, 2, out[1]) < 0 ||
        sh_spec_set_timeout(spec, 3600 * 1000, 0) < 0) {
        fprintf(stderr, "spec: %s\n", sh_spec_error(spec));
        return 1;
    }
    r = sh_spawn(spec, &process);
    sh_spec_free(spec);
    close(out[1]);
    if (r < 0) {
        fprintf(stderr, "spawn: %s\n", sh_strerror(r));
        return 1;
    }
    while ((n = read(out[0], buf, sizeof(buf))) > 0)
        fwrite(buf, 1, n, stdout);
    r = sh_wait(process, &result, 0);
    sh_process_free(process);
    if (r < 0)
        return 1;
    if (result.setup_failed)
        fprintf(stderr, "%s: %s\n", result.stage, result.message);
    else if (result.signal)
        fprintf(stderr, "killed by signal %d%s\n", result.signal,
                result.timed_out ? " (timeout)" : "");
    return result.exit_code;
}
