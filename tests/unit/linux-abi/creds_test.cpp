// tests/unit/linux-abi/creds_test.cpp — Linux's credential rules as pure
// functions (creds.h): set*id permissions, the capability fix-ups of uid
// and fsuid changes, keep-caps, capset's subset rules, execve's
// recomputation and kill permission. (The guest-visible behaviour against
// real Linux is tests/guest/syscalls/creds.c.)
#include "linux-abi/process/creds.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>

namespace hart::linux {
namespace {

constexpr uint32_t kKeep = static_cast<uint32_t>(-1);
constexpr uint64_t kAll = kCapValidMask;

Credentials root() {
  Credentials c;
  c.cap_prm = c.cap_eff = c.cap_bnd = kAll;
  return c;
}

Credentials user(uint32_t uid) {
  Credentials c;
  c.ruid = c.euid = c.suid = c.fsuid = uid;
  c.rgid = c.egid = c.sgid = c.fsgid = uid;
  c.cap_bnd = kAll;
  return c;
}

TEST(Creds, RootDropsEverythingWithAllIds) {
  Credentials c = root();
  c.cap_inh = c.cap_amb = cap_bit(kCapKill);
  uint64_t id = c.id;
  EXPECT_EQ(cred_set_ids(&c, IdCall::setresuid, 1000, 1000, 1000), 0);
  EXPECT_NE(c.id, id);
  EXPECT_EQ(c.fsuid, 1000u);
  EXPECT_EQ(c.cap_prm, 0u);
  EXPECT_EQ(c.cap_eff, 0u);
  EXPECT_EQ(c.cap_amb, 0u);
  EXPECT_EQ(cred_set_ids(&c, IdCall::setuid, 0, 0, 0), -EPERM);
}

TEST(Creds, SavedRootKeepsPermittedAndComesBack) {
  Credentials c = root();
  EXPECT_EQ(cred_set_ids(&c, IdCall::setresuid, 1000, 1000, 0), 0);
  EXPECT_EQ(c.cap_prm, kAll);
  EXPECT_EQ(c.cap_eff, 0u);
  EXPECT_EQ(cred_set_ids(&c, IdCall::setreuid, kKeep, 0, 0), 0);  // seteuid(0)
  EXPECT_EQ(c.euid, 0u);
  EXPECT_EQ(c.cap_eff, kAll);
}

TEST(Creds, KeepCaps) {
  Credentials c = root();
  c.securebits = kSecKeepCaps;
  EXPECT_EQ(cred_set_ids(&c, IdCall::setresuid, 5, 5, 5), 0);
  EXPECT_EQ(c.cap_prm, kAll);
  EXPECT_EQ(c.cap_eff, 0u);
}

TEST(Creds, FsuidDropsAndRestoresFsCapabilities) {
  Credentials c = root();
  EXPECT_EQ(cred_set_ids(&c, IdCall::setfsuid, 65534, 0, 0), 0);  // returns the old fsuid
  EXPECT_EQ(c.fsuid, 65534u);
  EXPECT_EQ(c.cap_eff, kAll & ~kCapFsMask);
  EXPECT_EQ(cred_set_ids(&c, IdCall::setfsuid, 0, 0, 0), 65534);
  EXPECT_EQ(c.cap_eff, kAll);
  EXPECT_EQ(cred_set_ids(&c, IdCall::setfsuid, kKeep, 0, 0), 0);  // a query
}

TEST(Creds, UnprivilegedRules) {
  Credentials c = user(1000);
  c.suid = 2000;
  EXPECT_EQ(cred_set_ids(&c, IdCall::setuid, 3000, 0, 0), -EPERM);
  EXPECT_EQ(cred_set_ids(&c, IdCall::setuid, 2000, 0, 0), 0);  // the saved uid
  EXPECT_EQ(c.euid, 2000u);
  EXPECT_EQ(c.ruid, 1000u);
  EXPECT_EQ(cred_set_ids(&c, IdCall::setreuid, 2000, kKeep, 0), 0);  // real to effective
  EXPECT_EQ(c.suid, 2000u);                                          // saved follows effective
  EXPECT_EQ(cred_set_ids(&c, IdCall::setresgid, 1000, 1000, 1000), 0);
  EXPECT_EQ(cred_set_ids(&c, IdCall::setgid, 0, 0, 0), -EPERM);
  EXPECT_EQ(cred_setgroups(&c, {1}), -EPERM);
  EXPECT_EQ(cred_set_ids(&c, IdCall::setfsgid, 0, 0, 0), 1000);  // refused: old value
  EXPECT_EQ(c.fsgid, 1000u);
  EXPECT_EQ(cred_set_ids(&c, IdCall::setuid, kKeep, 0, 0), -EINVAL);
}

TEST(Creds, GroupsSorted) {
  Credentials c = root();
  EXPECT_EQ(cred_setgroups(&c, {300, 5, 100}), 0);
  EXPECT_EQ(c.groups, (std::vector<uint32_t>{5, 100, 300}));
  EXPECT_TRUE(c.in_group(100));
  EXPECT_FALSE(c.in_group(6));
}

TEST(Creds, Capset) {
  Credentials c = user(1000);
  c.cap_prm = c.cap_eff = cap_bit(kCapKill) | cap_bit(kCapChown);
  EXPECT_EQ(cred_capset(&c, cap_bit(kCapDacOverride), c.cap_prm, 0), -EPERM);  // eff > prm
  EXPECT_EQ(cred_capset(&c, 0, c.cap_prm | cap_bit(kCapSetuid), 0), -EPERM);   // prm grows
  EXPECT_EQ(cred_capset(&c, 0, 0, cap_bit(kCapSetuid)), -EPERM);  // inh beyond inh|prm
  c.cap_amb = cap_bit(kCapKill);
  c.cap_inh = cap_bit(kCapKill);
  EXPECT_EQ(cred_capset(&c, 0, cap_bit(kCapChown), cap_bit(kCapKill)), 0);
  EXPECT_EQ(c.cap_amb, 0u);  // ambient stays within permitted & inheritable
}

TEST(Creds, Exec) {
  Credentials r = root();
  r.cap_bnd = kAll & ~cap_bit(kCapSysAdmin);
  r.cap_prm = r.cap_eff = cap_bit(kCapKill);
  cred_exec(&r);
  EXPECT_EQ(r.cap_prm, r.cap_bnd);
  EXPECT_EQ(r.cap_eff, r.cap_bnd);
  Credentials u = user(1000);
  u.cap_prm = u.cap_inh = u.cap_amb = cap_bit(kCapKill);
  u.euid = 1001;  // a saved-id switch: exec makes saved and fs follow
  u.securebits = kSecKeepCaps;
  cred_exec(&u);
  EXPECT_EQ(u.suid, 1001u);
  EXPECT_EQ(u.fsuid, 1001u);
  EXPECT_EQ(u.cap_prm, cap_bit(kCapKill));  // the ambient set survives
  EXPECT_EQ(u.cap_eff, cap_bit(kCapKill));
  EXPECT_EQ(u.securebits & kSecKeepCaps, 0u);
}

TEST(Creds, KillPermission) {
  Credentials a = user(1000), b = user(2000), r = root();
  EXPECT_FALSE(cred_may_signal(a, b, SIGTERM, false));
  EXPECT_TRUE(cred_may_signal(a, b, SIGCONT, true));
  EXPECT_TRUE(cred_may_signal(r, b, SIGTERM, false));  // CAP_KILL
  b.suid = 1000;
  EXPECT_TRUE(cred_may_signal(a, b, SIGTERM, false));
}

}  // namespace
}  // namespace hart::linux
