// tests/guest/syscalls/ioctl.c — ioctls Linux userland uses: a
// pseudo-terminal pair by hand (posix_openpt, grantpt, unlockpt, ptsname:
// TIOCGPTN, TIOCSPTLCK), data through it in raw mode (TCGETS/TCSETS,
// termios2), window size, FIONREAD, TIOCGPTPEER, network interface queries
// on the loopback interface (SIOCGIFINDEX, SIOCGIFNAME, SIOCGIFFLAGS,
// SIOCGIFCONF, SIOCGIFMTU), refusals (an interface setter, a regular file,
// an O_PATH fd, a bad pointer).
#include "sc.h"

#include <asm/termbits.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

// glibc's termios.h and asm/termbits.h clash; the few calls needed here go
// through ioctl directly.
int main(void) {
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  printf("posix_openpt: %s\n", m >= 0 ? "ok" : sc_errname(errno));
  if (m < 0) return 1;
  unsigned int n = 99;
  OK("TIOCGPTN", ioctl(m, TIOCGPTN, &n));
  int unlock = 0;
  OK("TIOCSPTLCK 0", ioctl(m, TIOCSPTLCK, &unlock));
  int locked = 1;
  OK("TIOCGPTLCK", ioctl(m, TIOCGPTLCK, &locked));
  printf("locked after unlock: %d\n", locked);
  char* name = ptsname(m);
  printf("ptsname under /dev/pts: %s\n", name && strncmp(name, "/dev/pts/", 9) == 0 ? "yes" : "no");
  struct stat st;
  printf("slave is a char device: %s\n", name && stat(name, &st) == 0 && S_ISCHR(st.st_mode) ? "yes" : "no");
  int s = name ? open(name, O_RDWR | O_NOCTTY) : -1;
  printf("open slave: %s\n", s >= 0 ? "ok" : sc_errname(errno));
  if (s < 0) return 1;
  printf("isatty(slave): %d\n", isatty(s));

  struct termios2 t2;
  OK("TCGETS2", ioctl(s, TCGETS2, &t2));
  struct termios t;
  OK("TCGETS", ioctl(s, TCGETS, &t));
  t.c_lflag &= ~(ICANON | ECHO | ISIG);
  t.c_oflag &= ~OPOST;
  OK("TCSETS raw", ioctl(s, TCSETS, &t));
  struct termios back;
  ioctl(s, TCGETS, &back);
  printf("raw mode kept: %s\n", (back.c_lflag & (ICANON | ECHO)) == 0 ? "yes" : "no");

  struct winsize ws = {24, 80, 0, 0}, got = {0, 0, 0, 0};
  OK("TIOCSWINSZ", ioctl(m, TIOCSWINSZ, &ws));
  OK("TIOCGWINSZ", ioctl(s, TIOCGWINSZ, &got));
  printf("window %ux%u\n", got.ws_col, got.ws_row);

  VAL("write master", write(m, "hello", 5));
  struct pollfd pf = {s, POLLIN, 0};  // the pty passes input on asynchronously
  poll(&pf, 1, 5000);
  usleep(20000);
  int avail = -1;
  OK("FIONREAD", ioctl(s, FIONREAD, &avail));
  printf("available: %d\n", avail);
  char buf[16] = "";
  VAL("read slave", read(s, buf, sizeof buf));
  printf("got: %.5s\n", buf);
  VAL("write slave", write(s, "back", 4));
  usleep(20000);
  memset(buf, 0, sizeof buf);
  VAL("read master", read(m, buf, sizeof buf));
  printf("got: %.4s\n", buf);

  int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
  printf("TIOCGPTPEER: %s\n", peer >= 0 ? "ok" : sc_errname(errno));
  if (peer >= 0) printf("peer is a tty: %d\n", isatty(peer));

  // Network interfaces: the loopback interface.
  int sock = socket(AF_INET, SOCK_DGRAM, 0);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  OK("SIOCGIFINDEX lo", ioctl(sock, SIOCGIFINDEX, &ifr));
  int index = ifr.ifr_ifindex;
  printf("if_nametoindex agrees: %s\n", (int)if_nametoindex("lo") == index ? "yes" : "no");
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_ifindex = index;
  OK("SIOCGIFNAME", ioctl(sock, SIOCGIFNAME, &ifr));
  printf("name: %s\n", ifr.ifr_name);
  OK("SIOCGIFFLAGS", ioctl(sock, SIOCGIFFLAGS, &ifr));
  printf("loopback and up: %s\n", (ifr.ifr_flags & (IFF_LOOPBACK | IFF_UP)) == (IFF_LOOPBACK | IFF_UP) ? "yes" : "no");
  OK("SIOCGIFMTU", ioctl(sock, SIOCGIFMTU, &ifr));
  printf("mtu positive: %s\n", ifr.ifr_mtu > 0 ? "yes" : "no");
  struct ifreq reqs[32];
  struct ifconf ifc = {.ifc_len = sizeof reqs, .ifc_req = reqs};
  OK("SIOCGIFCONF", ioctl(sock, SIOCGIFCONF, &ifc));
  int has_lo = 0;
  for (int i = 0; i < ifc.ifc_len / (int)sizeof(struct ifreq); ++i) has_lo |= strcmp(reqs[i].ifr_name, "lo") == 0;
  printf("SIOCGIFCONF lists lo: %s\n", has_lo ? "yes" : "no");
  struct ifconf size_only = {.ifc_len = 0, .ifc_buf = NULL};
  OK("SIOCGIFCONF size", ioctl(sock, SIOCGIFCONF, &size_only));
  printf("size query covers the list: %s\n", size_only.ifc_len >= ifc.ifc_len ? "yes" : "no");
  OK("SIOCGIFINDEX bad pointer", ioctl(sock, SIOCGIFINDEX, (void*)8));

  // Refusals.
  int f = open("/proc/self/exe", O_RDONLY);
  OK("TCGETS on a file", ioctl(f, TCGETS, &t));
  int p = open("/", O_PATH);
  OK("FIONREAD on O_PATH", ioctl(p, FIONREAD, &avail));
  OK("unknown request", ioctl(s, 0x5499, 0));
  OK("TIOCGPTN on the slave", ioctl(s, TIOCGPTN, &n));
  return 0;
}
