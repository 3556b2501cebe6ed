// linux-abi/process/creds.h — guest credentials: real/effective/saved/fs uid and
// gid, supplementary groups, the five capability sets and securebits, with
// Linux's rules for changing them (kernel/sys.c, kernel/groups.c,
// security/commoncap.c: the set*id permission checks, the capability
// fix-ups of a uid change, capset's subset rules, execve's recomputation)
// as pure functions, and the carrying of a guest thread's identity onto
// the vCPU host thread that serves its system calls.
//
// Credentials are per thread (Thread::cred), as Linux's are at the system
// call level; glibc's set*id broadcast reaches every guest thread through
// the guest's own signal. Process::creds() is the process's view for other
// processes (/proc/<pid>/status, kill permission): the most recent
// credentials any of its threads set.
//
// Host side: when hartd may switch identities (CAP_SETUID and CAP_SETGID
// in its permitted set, as when it runs as root), each vCPU host thread
// takes its guest thread's effective/fs ids, groups and effective
// capabilities with raw per-thread system calls before each guest system
// call (sync_host_identity), so the host kernel's file-access checks follow
// the guest. The host thread keeps its real and saved ids (root) and its
// permitted set, so it can always switch back; nothing a guest does can
// give it more than its emulated credentials allow. hartd's own threads
// never switch. Without that privilege guests start with hartd's ids and
// only what Linux allows an unprivileged process succeeds (EPERM
// otherwise); the host thread keeps hartd's identity.
//
// The same hook keeps the host thread's umask equal to its guest process's
// (each vCPU host thread has a private fs_struct, unshare(CLONE_FS)), so the
// host applies the guest's umask to every file it creates.
//
// Owns: the credential rules and the host-thread identity. Does not own: the
// system call handlers (sys_creds.cpp) or where credentials are stored
// (process.h).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace hart::linux {

class Process;
struct Thread;

// <linux/capability.h>
constexpr int kCapChown = 0, kCapDacOverride = 1, kCapDacReadSearch = 2, kCapFowner = 3,
              kCapFsetid = 4, kCapKill = 5, kCapSetgid = 6, kCapSetuid = 7, kCapSetpcap = 8,
              kCapLinuxImmutable = 9, kCapSysPtrace = 19, kCapSysAdmin = 21, kCapSysNice = 23,
              kCapSysResource = 24, kCapMknod = 27, kCapAuditControl = 30, kCapMacOverride = 32,
              kCapCheckpointRestore = 40;
constexpr int kCapLast = 40;  // CAP_LAST_CAP of Linux 6.x
constexpr uint64_t kCapValidMask = (uint64_t{1} << (kCapLast + 1)) - 1;
constexpr uint64_t cap_bit(int cap) { return uint64_t{1} << cap; }
// Capabilities an fsuid change from/to 0 drops/restores (CAP_FS_MASK).
constexpr uint64_t kCapFsMask = cap_bit(kCapChown) | cap_bit(kCapMknod) |
                                cap_bit(kCapDacOverride) | cap_bit(kCapDacReadSearch) |
                                cap_bit(kCapFowner) | cap_bit(kCapFsetid) |
                                cap_bit(kCapLinuxImmutable) | cap_bit(kCapMacOverride);
// securebits
constexpr uint32_t kSecNoSetuidFixup = 1u << 2, kSecKeepCaps = 1u << 4,
                   kSecKeepCapsLocked = 1u << 5, kSecNoCapAmbientRaise = 1u << 6;
constexpr int kNgroupsMax = 65536;

struct Credentials {
  uint32_t ruid = 0, euid = 0, suid = 0, fsuid = 0;
  uint32_t rgid = 0, egid = 0, sgid = 0, fsgid = 0;
  std::vector<uint32_t> groups;  // sorted, as Linux keeps them
  uint64_t cap_inh = 0, cap_prm = 0, cap_eff = 0, cap_bnd = 0, cap_amb = 0;
  uint32_t securebits = 0;
  // Which identity this is, for the host side: 0 = hartd's own (what a
  // launch starts with); every change gets a fresh number.
  uint64_t id = 0;

  bool capable(int cap) const { return (cap_eff >> cap) & 1; }
  bool in_group(uint32_t gid) const;  // fsgid or a supplementary group
};

// hartd's own credentials (read once from the host): what a launched guest
// starts with.
const Credentials& host_credentials();
// Whether vCPU threads carry their guests' identities on the host.
bool host_switches_identity();

// The set*id rules. One set*id call with the system call's arguments
// (uint32_t(-1) = unchanged where Linux says so): 0 or -errno (setfsuid and
// setfsgid: the old value). *c changes only on success, with a fresh id.
enum class IdCall { setuid, setreuid, setresuid, setfsuid, setgid, setregid, setresgid, setfsgid };
int64_t cred_set_ids(Credentials* c, IdCall call, uint32_t a0, uint32_t a1, uint32_t a2);
// setgroups, capset: 0 or -errno, as the set*id rules.
int cred_setgroups(Credentials* c, std::vector<uint32_t> groups);
int cred_capset(Credentials* c, uint64_t eff, uint64_t prm, uint64_t inh);
// execve (set-user-ID and set-group-ID bits and file capabilities are not
// honoured: hartd runs guests as the caller, like a nosuid mount).
void cred_exec(Credentials* c);
// kill(2)'s permission check of a signal from `from` to a process whose
// credentials are `to` (same_session: SIGCONT within a session is allowed).
bool cred_may_signal(const Credentials& from, const Credentials& to, int sig, bool same_session);
// A fresh identity number.
uint64_t cred_new_id();

// Before each guest system call, on the vCPU host thread: the host thread's
// identity and umask become t's and its process's (no-op when unchanged).
void sync_host_identity(Process& p, Thread& t);
// Called once at the start of every vCPU host thread: a private fs_struct
// (its own umask) and what identity it inherited from its creator.
void init_vcpu_host_thread(uint64_t inherited_id);
// The identity the calling host thread carries now (for threads it starts).
uint64_t current_host_identity();
// Whether the calling host thread's umask is its guest's (a private
// fs_struct): creating calls then pass the guest's mode unmasked.
bool host_umask_is_guests();
// While it lives, the calling host thread acts as hartd again (hartd's own
// work on a vCPU thread: reading its /proc/self/mem and pagemap for fork);
// the guest's identity comes back at its end. Free when nothing switched.
class HartIdentityScope {
 public:
  HartIdentityScope();
  ~HartIdentityScope();

 private:
  std::unique_ptr<Credentials> guest_;  // to put back (null: nothing switched)
};

// faccessat2 on the host as the guest thread: without AT_EACCESS with its
// real ids (Linux's access_override_creds), else with its fs ids.
int guest_faccessat(Process& p, Thread& t, int dirfd, const char* path, int mode, int flags);

}  // namespace hart::linux
