// linux-abi/vfs/proc_fdinfo.h — /proc/<pid>/fdinfo/<fd>: what Linux's
// fs/proc/fd.c shows of one guest fd (pos, flags with the guest's
// close-on-exec bit, mnt_id, ino) and the lines its file type adds
// (eventfd, timerfd, inotify, epoll with guest fd numbers, signalfd with the
// guest's mask, pidfd's Pid and NSpid).
// Owns: that text. Does not own: the directory itself or the rest of /proc
// (proc_dev.cpp).
#pragma once

#include <string>

#include "linux-abi/process/process.h"

namespace hart::linux {

// The text of /proc/<pid>/fdinfo/<fd> of t; false if t has no such fd
// (ENOENT).
bool proc_fdinfo(Process& t, int fd, std::string* out);

}  // namespace hart::linux
