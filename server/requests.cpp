// server/requests.cpp — the request table and its handlers. See requests.h
// and docs/PROTOCOL.md (the contract these implement).
#include "server/requests.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <climits>
#include <vector>

#include "core/address_space.h"
#include "core/log.h"
#include "linux-abi/process/core_dump.h"
#include "server/control_server.h"
#include "server/gdb_multi.h"
#include "server/guest_registry.h"
#include "server/text_codec.h"

namespace hart::server {

namespace {

// ---- field types and the validator ---------------------------------------------

enum class Type {
  String,
  Bool,
  Pid,          // integer 1..INT_MAX
  Count,        // integer >= 0
  Seconds,      // number >= 0
  StringArray,  // array of strings
  Object,
  Stdio,        // "null" | "capture" | {"file":..,"append":..} | {"fd":true}
  Signal,       // name or number
  Size,         // integer (bytes) or string ("16G")
};

const char* type_text(Type t) {
  switch (t) {
    case Type::String: return "a string";
    case Type::Bool: return "a boolean";
    case Type::Pid: return "a positive integer (a guest pid)";
    case Type::Count: return "a non-negative integer";
    case Type::Seconds: return "a non-negative number";
    case Type::StringArray: return "an array of strings";
    case Type::Object: return "an object";
    case Type::Stdio: return "\"null\", \"capture\", {\"file\":PATH,\"append\":BOOL} or {\"fd\":true}";
    case Type::Signal: return "a signal name or number";
    case Type::Size: return "a size: a byte count or a string like \"16G\"";
  }
  return "?";
}

struct Field {
  const char* name;
  Type type;
  bool required;
};

bool type_ok(const Json& v, Type t) {
  switch (t) {
    case Type::String: return v.is_string();
    case Type::Bool: return v.is_boolean();
    case Type::Pid:
      return v.is_number_integer() && !v.is_number_float() && v.get<int64_t>() > 0 &&
             (v.is_number_unsigned() ? v.get<uint64_t>() <= INT_MAX : v.get<int64_t>() <= INT_MAX);
    case Type::Count:
      return v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
    case Type::Seconds: return v.is_number() && v.get<double>() >= 0 && v.get<double>() < 1e12;
    case Type::StringArray:
      if (!v.is_array()) return false;
      for (auto& e : v)
        if (!e.is_string()) return false;
      return true;
    case Type::Object: return v.is_object();
    case Type::Stdio:
      if (v.is_string()) return v == "null" || v == "capture";
      if (!v.is_object()) return false;
      if (v.contains("fd")) return v.size() == 1 && v["fd"] == true;
      if (!v.contains("file") || !v["file"].is_string()) return false;
      for (auto& [k, x] : v.items())
        if (k != "file" && !(k == "append" && x.is_boolean())) return false;
      return true;
    case Type::Signal:
      return v.is_string() || (v.is_number_integer() && v.get<int64_t>() >= 0 && v.get<int64_t>() <= 64);
    case Type::Size: return v.is_string() || v.is_number_unsigned();
  }
  return false;
}

// Checks obj against fields: required ones present, every present one of its
// type, no unknown ones (except `allowed_extra`). Empty string = fine.
std::string validate(const Json& obj, const std::vector<Field>& fields, const std::string& where,
                     std::initializer_list<const char*> allowed_extra = {}) {
  for (const Field& f : fields) {
    if (!obj.contains(f.name)) {
      if (f.required) return "missing field '" + where + f.name + "'";
      continue;
    }
    if (!type_ok(obj[f.name], f.type))
      return "field '" + where + f.name + "' must be " + type_text(f.type);
  }
  for (auto& [k, v] : obj.items()) {
    bool known = false;
    for (const Field& f : fields) known = known || k == f.name;
    for (const char* x : allowed_extra) known = known || k == x;
    if (!known) return "unknown field '" + where + k + "'";
  }
  return "";
}

// ---- the request being handled -----------------------------------------------------

struct Req {
  DaemonContext& ctx;
  const std::shared_ptr<Connection>& conn;
  const Json& body;
  Json id;
  void ok(Json fields = Json::object()) {
    Json r = {{"id", id}, {"ok", true}};
    for (auto& [k, v] : fields.items()) r[k] = v;
    conn->send(std::move(r));
  }
  void fail(const char* code, const std::string& msg) { conn->send(error_reply(id, code, msg)); }
  int pid() const { return body["pid"].get<int>(); }
  template <class T>
  T get(const char* name, T dflt) const {
    return body.contains(name) ? body[name].get<T>() : dflt;
  }
};

// ---- handlers -------------------------------------------------------------------------

void op_hello(Req& r) {
  r.ok({{"version", 1}, {"daemon", std::string("hartd ") + HART_VERSION}, {"pid", getpid()}});
}

const std::vector<Field> kLimitFields = {
    {"memory_bytes", Type::Count, false}, {"cpu_seconds", Type::Seconds, false},
    {"wall_seconds", Type::Seconds, false}, {"processes", Type::Count, false},
    {"open_files", Type::Count, false}, {"core_bytes", Type::Count, false}};
const std::vector<Field> kGdbFields = {{"listen", Type::String, false},
                                       {"wait", Type::Bool, false}};
const std::vector<Field> kLogFields = {{"categories", Type::String, false},
                                       {"file", Type::String, false}};

// The launch fields besides argv, stdio, gdb and events.
const std::vector<Field> kLaunchSettingFields = {
    {"env", Type::StringArray, false}, {"cwd", Type::String, false},
    {"sysroot", Type::String, false},  {"root", Type::String, false},
    {"log", Type::Object, false},      {"limits", Type::Object, false},
    {"address_space", Type::Size, false}, {"proc_view", Type::String, false},
    {"exe", Type::String, false}, {"core_pattern", Type::String, false},
    {"record", Type::Bool, false}, {"record_file", Type::String, false}};

}  // namespace

std::string validate_launch_settings(const Json& settings) {
  if (!settings.is_object()) return "launch settings must be an object";
  if (std::string err = validate(settings, kLaunchSettingFields, "launch."); !err.empty()) return err;
  // The values too (absolute cwd and root, log categories, limit ranges).
  Json body = settings;
  body["argv"] = Json::array({"-"});
  LaunchRequest lr;
  return launch_settings(body, &lr);
}

std::string launch_settings(const Json& b, LaunchRequest* out) {
  for (const Field& f : kLaunchSettingFields)
    if (b.contains(f.name) && !type_ok(b[f.name], f.type))
      return std::string("field '") + f.name + "' must be " + type_text(f.type);
  if (!b.contains("argv") || !type_ok(b["argv"], Type::StringArray))
    return "field 'argv' must be a non-empty array of strings";
  auto argv = b["argv"].get<std::vector<std::string>>();
  if (argv.empty() || argv[0].empty()) return "field 'argv' must be a non-empty array of strings";
  linux::LaunchConfig& cfg = out->cfg;
  cfg.exe_path = b.value("exe", argv[0]);  // "exe": the program, when argv[0] is not it
  if (cfg.exe_path.empty()) return "field 'exe' must not be empty";
  cfg.argv = argv;
  cfg.envp = b.value("env", std::vector<std::string>{});
  cfg.cwd = b.value("cwd", std::string());
  cfg.sysroot = b.value("sysroot", std::string());
  cfg.root = b.value("root", std::string());
  cfg.record = b.value("record", false);  // reverse execution (docs/REVERSE.md)
  cfg.record_file = b.value("record_file", std::string());
  if (b.contains("record_file") && (cfg.record_file.empty() || cfg.record_file[0] != '/'))
    return "field 'record_file' must be an absolute path";
  if (!cfg.root.empty() && cfg.root[0] != '/') return "field 'root' must be an absolute path";
  if (!cfg.cwd.empty() && cfg.cwd[0] != '/') return "field 'cwd' must be an absolute path";
  if (!cfg.sysroot.empty() && cfg.sysroot[0] != '/') return "field 'sysroot' must be an absolute path";
  if (b.contains("address_space")) {
    const Json& v = b["address_space"];
    std::string text = v.is_string() ? v.get<std::string>() : std::to_string(v.get<uint64_t>());
    std::string err;
    if (!parse_address_space_size(text, &cfg.address_space, &err)) return "field 'address_space': " + err;
  }
  if (b.contains("core_pattern")) {
    cfg.core_pattern = b["core_pattern"].get<std::string>();
    if (std::string why = linux::check_core_pattern(cfg.core_pattern); !why.empty())
      return "field 'core_pattern': " + why;
  }
  if (b.contains("proc_view")) {
    std::string v = b["proc_view"].get<std::string>();
    if (v != "launch" && v != "owner") return "field 'proc_view' must be \"launch\" or \"owner\"";
    cfg.proc_view_owner = v == "owner";
  }
  cfg.owner_uid = getuid();
  if (b.contains("log")) {
    const Json& lg = b["log"];
    std::string err = validate(lg, kLogFields, "log.");
    if (!err.empty()) return err;
    if (lg.contains("categories")) {
      uint32_t mask = 0;
      if (!parse_log_categories(lg["categories"].get<std::string>(), &mask, &err)) return err;
      cfg.log_mask = mask;
    }
    cfg.log_file = lg.value("file", std::string());
  }
  if (b.contains("limits")) {
    const Json& l = b["limits"];
    std::string err = validate(l, kLimitFields, "limits.");
    if (!err.empty()) return err;
    cfg.limits.memory_bytes = l.value("memory_bytes", uint64_t{0});
    cfg.limits.cpu_seconds = l.value("cpu_seconds", 0.0);
    cfg.limits.wall_seconds = l.value("wall_seconds", 0.0);
    uint64_t procs = l.value("processes", uint64_t{0}), files = l.value("open_files", uint64_t{0});
    if (procs > 1000000 || files > 65536) return "limits.processes or limits.open_files out of range";
    if (files && files < 3) return "limits.open_files must be at least 3";
    if (l.contains("core_bytes")) cfg.limits.core_bytes = l["core_bytes"].get<uint64_t>();
    cfg.limits.processes = static_cast<int>(procs);
    cfg.limits.open_files = static_cast<int>(files);
  }
  return "";
}

namespace {

void op_launch(Req& r) {
  const Json& b = r.body;
  LaunchRequest lr;
  // fds passed with this request, in order stdin, stdout, stderr: take them
  // first so that they are closed on every error path.
  const char* names[3] = {"stdin", "stdout", "stderr"};
  struct FdGuard {
    LaunchRequest& lr;
    ~FdGuard() {
      for (auto& s : lr.stdio)
        if (s.fd >= 0) ::close(s.fd);
    }
  } guard{lr};
  for (int i = 0; i < 3; ++i) {
    if (!b.contains(names[i])) continue;
    const Json& v = b[names[i]];
    StdioSpec& s = lr.stdio[i];
    if (v.is_string()) {
      s.kind = v == "capture" ? StdioSpec::Capture : StdioSpec::Null;
    } else if (v.contains("fd")) {
      s.kind = StdioSpec::Fd;
      s.fd = r.conn->take_fd();
      if (s.fd < 0)
        return r.fail("bad_request", std::string(names[i]) +
                                         ": {\"fd\":true} but no fd was passed with this request "
                                         "(SCM_RIGHTS over the Unix socket)");
    } else {
      s.kind = StdioSpec::File;
      s.path = v["file"].get<std::string>();
      s.append = v.value("append", false);
    }
  }
  if (std::string err = launch_settings(b, &lr); !err.empty()) return r.fail("bad_request", err);
  lr.cfg.owner_uid = r.conn->peer_uid();
  if (b.contains("gdb")) {
    const Json& g = b["gdb"];
    std::string err = validate(g, kGdbFields, "gdb.");
    if (!err.empty()) return r.fail("bad_request", err);
    lr.gdb = true;
    lr.gdb_listen = g.value("listen", lr.gdb_listen);
    lr.gdb_wait = g.value("wait", false);
  }
  lr.events = r.get("events", true);
  std::string code, err;
  auto& conn = r.conn;
  Json id = r.id;
  bool want_gdb = lr.gdb;
  GuestRegistry* reg = r.ctx.registry;
  int pid = r.ctx.registry->launch(std::move(lr), conn, &code, &err, [&](int p) {
    Json reply = {{"id", id}, {"ok", true}, {"pid", p}};
    if (want_gdb) reply["gdb"] = reg->gdb_endpoint(p);
    conn->send(std::move(reply));
  });
  for (auto& s : lr.stdio) s.fd = -1;  // moved into the registry (which closes them)
  if (!pid) r.fail(code.c_str(), err);
}

void op_input(Req& r) {
  std::string data;
  if (r.body.contains("data") && r.body.contains("data_b64"))
    return r.fail("bad_request", "give 'data' or 'data_b64', not both");
  if (r.body.contains("data_b64")) {
    if (!base64_decode(r.body["data_b64"].get<std::string>(), &data))
      return r.fail("bad_request", "field 'data_b64' is not valid base64");
  } else {
    data = r.get("data", std::string());
  }
  if (!r.ctx.registry->input(r.pid(), std::move(data), r.get("eof", false)))
    return r.fail("no_such_guest", "no running guest with pid " + std::to_string(r.pid()) +
                                       " and a captured stdin");
  r.ok();
}

void op_list(Req& r) { r.ok({{"guests", r.ctx.registry->list()}}); }

void op_kill(Req& r) {
  int sig = SIGTERM;
  if (r.body.contains("signal")) {
    const Json& s = r.body["signal"];
    sig = s.is_string() ? parse_signal(s.get<std::string>()) : s.get<int>();
    if (sig < 0) return r.fail("bad_request", "unknown signal " + s.dump());
  }
  if (r.ctx.registry->kill(r.pid(), sig, r.get("tree", false)) != 0)
    return r.fail("no_such_guest", "no running guest with pid " + std::to_string(r.pid()));
  r.ok();
}

void op_wait(Req& r) {
  double timeout = r.get("timeout", -1.0);
  if (!r.ctx.registry->wait(r.pid(), timeout, r.get("reap", false), r.conn, r.id))
    r.fail("no_such_guest", "no launched guest with pid " + std::to_string(r.pid()));
}

void op_log(Req& r) {
  std::optional<uint32_t> mask;
  std::string code, err;
  if (r.body.contains("categories")) {
    uint32_t m = 0;
    if (!parse_log_categories(r.body["categories"].get<std::string>(), &m, &err))
      return r.fail("bad_request", err);
    mask = m;
  }
  if (!r.ctx.registry->set_log(r.pid(), mask, r.get("file", std::string()), r.get("tail", false),
                               r.conn, &code, &err))
    return r.fail(code.c_str(), err);
  r.ok();
}

void op_stats(Req& r) {
  int pid = r.body.contains("pid") ? r.pid() : 0;
  std::optional<Json> s = r.ctx.registry->stats(pid);
  if (!s) return r.fail("no_such_guest", "no guest with pid " + std::to_string(pid));
  if (!pid)
    (*s)["uptime_seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - r.ctx.started).count();
  r.ok(*s);
}

void op_gdb(Req& r) {
  std::string exe, code, err;
  std::string ep = r.ctx.registry->gdb_attach(r.pid(), r.get("listen", std::string()),
                                              &exe, &code, &err);
  if (ep.empty()) return r.fail(code.c_str(), err);
  r.ok({{"gdb", ep}, {"exe", exe}});
}

void op_gdb_multi(Req& r) {
  Json defaults = r.get("launch", Json::object());
  if (std::string err = validate_launch_settings(defaults); !err.empty()) return r.fail("bad_request", err);
  std::string err;
  std::string ep = r.ctx.gdb_multi->open(r.get("listen", std::string()), defaults, &err);
  if (ep.empty()) return r.fail("bad_request", err);
  r.ok({{"gdb", ep}});
}

void op_shutdown(Req& r) {
  double grace = r.get("grace_seconds", 5.0);
  r.ok();
  spdlog::info("shutdown requested (grace {} s)", grace);
  r.ctx.shutdown(grace);
}

// ---- the table -----------------------------------------------------------------------

std::vector<Field> launch_fields() {
  std::vector<Field> f = {{"argv", Type::StringArray, true}, {"stdin", Type::Stdio, false},
                          {"stdout", Type::Stdio, false},    {"stderr", Type::Stdio, false},
                          {"gdb", Type::Object, false},      {"events", Type::Bool, false}};
  f.insert(f.end(), kLaunchSettingFields.begin(), kLaunchSettingFields.end());
  return f;
}

struct OpSpec {
  const char* name;
  std::vector<Field> fields;  // besides id and op
  void (*handler)(Req&);
};

const std::vector<OpSpec>& ops() {
  static const std::vector<OpSpec> table = {
      {"hello", {{"token", Type::String, false}}, op_hello},
      {"launch", launch_fields(), op_launch},
      {"input",
       {{"pid", Type::Pid, true}, {"data", Type::String, false}, {"data_b64", Type::String, false},
        {"eof", Type::Bool, false}},
       op_input},
      {"list", {}, op_list},
      {"kill",
       {{"pid", Type::Pid, true}, {"signal", Type::Signal, false}, {"tree", Type::Bool, false}},
       op_kill},
      {"wait",
       {{"pid", Type::Pid, true}, {"timeout", Type::Seconds, false}, {"reap", Type::Bool, false}},
       op_wait},
      {"log",
       {{"pid", Type::Pid, true}, {"categories", Type::String, false},
        {"file", Type::String, false}, {"tail", Type::Bool, false}},
       op_log},
      {"stats", {{"pid", Type::Pid, false}}, op_stats},
      {"gdb", {{"pid", Type::Pid, true}, {"listen", Type::String, false}}, op_gdb},
      {"gdb_multi", {{"listen", Type::String, false}, {"launch", Type::Object, false}}, op_gdb_multi},
      {"shutdown", {{"grace_seconds", Type::Seconds, false}}, op_shutdown},
  };
  return table;
}

}  // namespace

Json error_reply(const Json& id, const char* code, const std::string& msg) {
  // (One line, as PROTOCOL.md promises: messages quote guest paths and
  // file contents.)
  return {{"id", id}, {"ok", false}, {"error", {{"code", code}, {"message", one_line(msg)}}}};
}

void handle_request(DaemonContext& ctx, const std::shared_ptr<Connection>& conn, const Json& req) {
  Json id = nullptr;
  try {
    if (!req.is_object()) {
      conn->send(error_reply(id, "bad_request", "a request must be a JSON object"));
      return;
    }
    if (req.contains("id")) id = req["id"];
    if (!req.contains("id") || !(id.is_string() || id.is_number_integer())) {
      conn->send(error_reply(id.is_string() || id.is_number_integer() ? id : Json(nullptr),
                             "bad_request", "field 'id' must be a string or an integer"));
      return;
    }
    if (!req.contains("op") || !req["op"].is_string()) {
      conn->send(error_reply(id, "bad_request", "field 'op' must be a string"));
      return;
    }
    std::string op = req["op"].get<std::string>();
    for (const OpSpec& spec : ops()) {
      if (op != spec.name) continue;
      std::string err = validate(req, spec.fields, "", {"id", "op"});
      if (!err.empty()) {
        conn->send(error_reply(id, "bad_request", err));
        return;
      }
      Req r{ctx, conn, req, id};
      spdlog::debug("connection {}: {}", conn->id(), op);
      spec.handler(r);
      return;
    }
    conn->send(error_reply(id, "unknown_op", "unknown op '" + op + "'"));
  } catch (const std::exception& e) {
    spdlog::error("request failed: {}", e.what());
    conn->send(error_reply(id, "internal", std::string("internal error: ") + e.what()));
  }
}

}  // namespace hart::server
