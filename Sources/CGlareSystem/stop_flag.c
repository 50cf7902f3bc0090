#include "glare_system.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_requested = 0;

static void note_stop_request(int signal_number) {
    (void)signal_number;
    stop_requested = 1;
}

int glare_install_stop_handler(int signal_number) {
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = note_stop_request;
    sigemptyset(&action.sa_mask);
    // SA_RESTART: a runner's blocking read is not cut short; it sees the flag at its next check.
    action.sa_flags = SA_RESTART;
    return sigaction(signal_number, &action, NULL);
}

int glare_stop_requested(void) {
    return stop_requested != 0;
}
