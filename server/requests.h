// server/requests.h — the control protocol's requests (docs/PROTOCOL.md):
// one table of ops, each with its fields (name, type, required) checked by
// one validator before its handler runs.
// Owns: request validation and the mapping of requests to registry calls,
// reply shapes, error codes. Does not own: framing (control_server.cpp) or
// guests (guest_registry.cpp).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

namespace hart::server {

using Json = nlohmann::json;
class Connection;
struct DaemonContext;

// Validates and runs one parsed request object; every outcome ends in
// exactly one reply on conn (now or later, e.g. `wait`). Never throws.
void handle_request(DaemonContext& ctx, const std::shared_ptr<Connection>& conn, const Json& req);

struct LaunchRequest;
// The launch settings of a request body (argv and the optional env, cwd,
// sysroot, root, log, limits) into out->cfg, checking types and values:
// "" or the error message. `launch` and the vRun of hartd's extended-remote
// endpoint (its defaults plus gdb's argv, environment and cwd) share it.
std::string launch_settings(const Json& body, LaunchRequest* out);
// Checks an object of launch settings without argv (the endpoint's
// defaults): "" or the error message.
std::string validate_launch_settings(const Json& settings);

// {"id":id,"ok":false,"error":{"code":code,"message":msg}}
Json error_reply(const Json& id, const char* code, const std::string& msg);

}  // namespace hart::server
