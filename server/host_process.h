// server/host_process.h — what hartd, hart-run and hart-exec share about
// their own host process: the default control socket path, and ending by a
// guest's signal.
// Owns: these two conventions only.
#pragma once

#include <string>

namespace hart::server {

// $HARTD_SOCKET, else $XDG_RUNTIME_DIR/hartd.sock, else
// /tmp/hartd-<uid>/hartd.sock (the folder hartd makes private).
std::string default_control_socket();

// Dies of sig as the guest did (without a core of its own: the guest's core
// is the guest's business), so the parent sees what it would natively.
// Returns only if sig does not kill (the caller then exits with 128+sig).
void die_of_signal(int sig);

}  // namespace hart::server
