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

// {"id":id,"ok":false,"error":{"code":code,"message":msg}}
Json error_reply(const Json& id, const char* code, const std::string& msg);

}  // namespace hart::server
