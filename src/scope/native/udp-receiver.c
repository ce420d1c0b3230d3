/*
 * opennotice's native UDP receiver: a thin I/O part for the flow collector (src/scope/udp-listener.ts
 * spawns it as one of its transports). Node's dgram socket makes one JS event and one Buffer per
 * datagram; this reads many datagrams per system call (recvmmsg) and hands them to the parent
 * through stdout in large writes, so Node reads one chunk per many datagrams. It decodes nothing.
 *
 * Usage: udp-receiver ADDRESS PORT RCVBUF_BYTES MAX_DATAGRAM_BYTES LINGER_MS DATA_SOCKET_PATH
 *
 * The BOUND frame goes to stdout once the UDP socket is bound and a unix stream socket listens at
 * DATA_SOCKET_PATH (in a directory only the parent can reach); the parent connects there, the
 * path is removed, and every later frame goes over that connection: the parent reads it into
 * one reused buffer (no allocation per read, reads as large as that buffer).
 *
 * Frames, integers big-endian:
 *   u8 type, u8 family (4/6), u16 sender port, u32 length, 16 bytes sender address (IPv4: first 4),
 *   then `length` payload bytes for a datagram frame.
 *   type 0 BOUND: the address and port bound (length 0); sent once, first.
 *   type 1 DATAGRAM: one datagram with its sender.
 *   type 2 OVERSIZED: a datagram longer than MAX_DATAGRAM_BYTES, dropped here (length: its size, no payload).
 *   type 3 DROPS: length 4, payload u32: datagrams the kernel dropped so far (SO_RXQ_OVFL), sent when it grows.
 * Errors: a message on stderr, exit status 2 (cannot bind) or 3 (anything else).
 *
 * Lifetime: it exits when its parent dies (PR_SET_PDEATHSIG) and when its stdin reaches EOF; on
 * EOF it first passes on what the socket already holds, so a graceful close loses nothing queued.
 * Memory is fixed: one batch of receive buffers and one output buffer; when the parent reads
 * slowly the writes block, the socket buffer fills and the kernel drops (and counts) the excess.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define FRAME_HEADER 24
#define OUTPUT_BYTES (1 << 20)
/* While lingering, the socket is emptied this often. */
#define DRAIN_STEP_MS 20
#define TYPE_BOUND 0
#define TYPE_DATAGRAM 1
#define TYPE_OVERSIZED 2
#define TYPE_DROPS 3

struct receiver {
  int socket;
  /* Where frames go: stdout until the parent connects, then the data connection. */
  int output_fd;
  size_t max_datagram;
  unsigned char *output;
  size_t output_used;
  uint32_t drops_reported;
};

static void fail(int status, const char *what) {
  fprintf(stderr, "udp-receiver: %s: %s\n", what, strerror(errno));
  exit(status);
}

static void write_all(int output_fd, const unsigned char *bytes, size_t length) {
  while (length > 0) {
    ssize_t written = write(output_fd, bytes, length);
    if (written < 0) {
      if (errno == EINTR) continue;
      /* The parent closed its end: nobody wants the datagrams any more. */
      if (errno == EPIPE) exit(0);
      fail(3, "write");
    }
    bytes += written;
    length -= (size_t)written;
  }
}

static void flush_output(struct receiver *receiver) {
  write_all(receiver->output_fd, receiver->output, receiver->output_used);
  receiver->output_used = 0;
}

static void put_u16(unsigned char *at, uint16_t value) {
  at[0] = (unsigned char)(value >> 8);
  at[1] = (unsigned char)value;
}

static void put_u32(unsigned char *at, uint32_t value) {
  at[0] = (unsigned char)(value >> 24);
  at[1] = (unsigned char)(value >> 16);
  at[2] = (unsigned char)(value >> 8);
  at[3] = (unsigned char)value;
}

/* Appends one frame header (and `payload_length` payload bytes, if `payload` is given). */
static void put_frame(struct receiver *receiver, int type, const struct sockaddr_storage *from, uint32_t length, const unsigned char *payload,
                      uint32_t payload_length) {
  if (receiver->output_used + FRAME_HEADER + payload_length > OUTPUT_BYTES) flush_output(receiver);
  unsigned char *frame = receiver->output + receiver->output_used;
  memset(frame, 0, FRAME_HEADER);
  frame[0] = (unsigned char)type;
  if (from->ss_family == AF_INET) {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)from;
    frame[1] = 4;
    put_u16(frame + 2, ntohs(v4->sin_port));
    memcpy(frame + 8, &v4->sin_addr, 4);
  } else if (from->ss_family == AF_INET6) {
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)from;
    frame[1] = 6;
    put_u16(frame + 2, ntohs(v6->sin6_port));
    memcpy(frame + 8, &v6->sin6_addr, 16);
  }
  put_u32(frame + 4, length);
  if (payload != NULL) memcpy(frame + FRAME_HEADER, payload, payload_length);
  receiver->output_used += FRAME_HEADER + (payload != NULL ? payload_length : 0);
}

/* The kernel's drop count rides on each datagram as a control message (SO_RXQ_OVFL). */
static void note_drops(struct receiver *receiver, struct msghdr *header) {
  for (struct cmsghdr *control = CMSG_FIRSTHDR(header); control != NULL; control = CMSG_NXTHDR(header, control)) {
    if (control->cmsg_level != SOL_SOCKET || control->cmsg_type != SO_RXQ_OVFL) continue;
    uint32_t drops;
    memcpy(&drops, CMSG_DATA(control), sizeof drops);
    if (drops != receiver->drops_reported) {
      unsigned char payload[4];
      struct sockaddr_storage none = {0};
      put_u32(payload, drops);
      receiver->drops_reported = drops;
      put_frame(receiver, TYPE_DROPS, &none, 4, payload, 4);
    }
  }
}

/* One recvmmsg call without waiting; returns how many datagrams it took (0: the socket is empty). */
static int receive_batch(struct receiver *receiver, struct mmsghdr *messages, struct sockaddr_storage *senders, unsigned char *buffers,
                         struct iovec *vectors, unsigned char (*controls)[64]) {
  for (int index = 0; index < BATCH; index++) {
    vectors[index].iov_base = buffers + (size_t)index * (receiver->max_datagram + 1);
    vectors[index].iov_len = receiver->max_datagram + 1;
    memset(&messages[index].msg_hdr, 0, sizeof messages[index].msg_hdr);
    messages[index].msg_hdr.msg_name = &senders[index];
    messages[index].msg_hdr.msg_namelen = sizeof senders[index];
    messages[index].msg_hdr.msg_iov = &vectors[index];
    messages[index].msg_hdr.msg_iovlen = 1;
    messages[index].msg_hdr.msg_control = controls[index];
    messages[index].msg_hdr.msg_controllen = sizeof controls[index];
  }
  /* MSG_TRUNC: msg_len is the datagram's real length, so an oversized one is recognised. */
  int received = recvmmsg(receiver->socket, messages, BATCH, MSG_DONTWAIT | MSG_TRUNC, NULL);
  if (received < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
    /* ICMP-induced errors (e.g. ECONNREFUSED) are not fatal to a listening socket. */
    if (errno == ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH) return 0;
    fail(3, "recvmmsg");
  }
  for (int index = 0; index < received; index++) {
    uint32_t length = messages[index].msg_len;
    note_drops(receiver, &messages[index].msg_hdr);
    if (length > receiver->max_datagram) put_frame(receiver, TYPE_OVERSIZED, &senders[index], length, NULL, 0);
    else put_frame(receiver, TYPE_DATAGRAM, &senders[index], length, vectors[index].iov_base, length);
  }
  return received;
}

static int bind_socket(const char *address, int port, int receive_buffer, struct sockaddr_storage *bound) {
  struct sockaddr_storage wanted = {0};
  socklen_t wanted_length;
  int family;
  struct sockaddr_in *v4 = (struct sockaddr_in *)&wanted;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&wanted;
  if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
    family = AF_INET;
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    wanted_length = sizeof *v4;
  } else if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
    family = AF_INET6;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    wanted_length = sizeof *v6;
  } else {
    errno = EINVAL;
    fail(2, "not an IP address");
  }
  int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(2, "socket");
  /* Bigger first (needs CAP_NET_ADMIN), else as big as net.core.rmem_max allows. */
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer, sizeof receive_buffer) != 0)
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  int on = 1;
  (void)setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
  if (bind(fd, (struct sockaddr *)&wanted, wanted_length) != 0) fail(2, "bind");
  socklen_t bound_length = sizeof *bound;
  if (getsockname(fd, (struct sockaddr *)bound, &bound_length) != 0) fail(2, "getsockname");
  return fd;
}

static long long now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* The unix stream socket the parent connects to for the frames. */
static int listen_for_parent(const char *path) {
  struct sockaddr_un address = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof address.sun_path) {
    errno = ENAMETOOLONG;
    fail(3, "data socket path");
  }
  strcpy(address.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(3, "data socket");
  if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0 || listen(fd, 1) != 0) fail(3, "data socket bind");
  return fd;
}

/* Waits for the parent's connection (or its end, on stdin), then removes the path. */
static int accept_parent(int listener, const char *path) {
  struct pollfd watched[2] = {{.fd = listener, .events = POLLIN}, {.fd = STDIN_FILENO, .events = POLLIN}};
  while (poll(watched, 2, -1) < 0) {
    if (errno != EINTR) fail(3, "poll");
  }
  if (watched[1].revents != 0 && !(watched[0].revents & POLLIN)) {
    unlink(path);
    exit(0);
  }
  int connection = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
  if (connection < 0) fail(3, "accept");
  unlink(path);
  close(listener);
  int send_buffer = OUTPUT_BYTES;
  (void)setsockopt(connection, SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof send_buffer);
  return connection;
}

/* Passes on what the socket holds, then exits: the parent closed stdin to stop gracefully. */
static void finish(struct receiver *receiver, struct mmsghdr *messages, struct sockaddr_storage *senders, unsigned char *buffers,
                   struct iovec *vectors, unsigned char (*controls)[64]) {
  while (receive_batch(receiver, messages, senders, buffers, vectors, controls) > 0) {
  }
  flush_output(receiver);
  exit(0);
}

/* The parent wrote to stdin or closed it: EOF (or an error) means stop; stray bytes are ignored. */
static void stop_if_asked(struct receiver *receiver, struct mmsghdr *messages, struct sockaddr_storage *senders, unsigned char *buffers,
                          struct iovec *vectors, unsigned char (*controls)[64]) {
  char ignored[64];
  ssize_t got = read(STDIN_FILENO, ignored, sizeof ignored);
  if (got <= 0 && !(got < 0 && errno == EINTR)) finish(receiver, messages, senders, buffers, vectors, controls);
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: udp-receiver ADDRESS PORT RCVBUF_BYTES MAX_DATAGRAM_BYTES LINGER_MS DATA_SOCKET_PATH\n");
    return 3;
  }
  /* Die with the parent, and close the race where it died before this line ran. */
  pid_t parent = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail(3, "prctl");
  if (getppid() != parent) return 0;
  signal(SIGPIPE, SIG_IGN);
  int port = atoi(argv[2]);
  int receive_buffer = atoi(argv[3]);
  long max_datagram = atol(argv[4]);
  int linger_ms = atoi(argv[5]);
  if (port < 0 || port > 65535 || receive_buffer < 0 || max_datagram < 1 || max_datagram > 65535 || linger_ms < 0 || linger_ms > 1000) {
    fprintf(stderr, "udp-receiver: an argument is out of range\n");
    return 3;
  }

  struct receiver receiver = {0};
  struct sockaddr_storage bound = {0};
  receiver.socket = bind_socket(argv[1], port, receive_buffer, &bound);
  receiver.max_datagram = (size_t)max_datagram;
  receiver.output = malloc(OUTPUT_BYTES);
  unsigned char *buffers = malloc((size_t)BATCH * (receiver.max_datagram + 1));
  static struct mmsghdr messages[BATCH];
  static struct sockaddr_storage senders[BATCH];
  static struct iovec vectors[BATCH];
  static unsigned char controls[BATCH][64];
  if (receiver.output == NULL || buffers == NULL) fail(3, "malloc");
  int data_listener = listen_for_parent(argv[6]);
  receiver.output_fd = STDOUT_FILENO;
  put_frame(&receiver, TYPE_BOUND, &bound, 0, NULL, 0);
  flush_output(&receiver);
  receiver.output_fd = accept_parent(data_listener, argv[6]);

  struct pollfd watched[2] = {{.fd = receiver.socket, .events = POLLIN}, {.fd = STDIN_FILENO, .events = POLLIN}};
  for (;;) {
    /* Wait for the first datagram (or the parent). */
    if (poll(watched, 2, -1) < 0) {
      if (errno == EINTR) continue;
      fail(3, "poll");
    }
    if (watched[1].revents != 0) stop_if_asked(&receiver, messages, senders, buffers, vectors, controls);
    /*
     * Linger: gather for up to LINGER_MS, taking what the socket holds every DRAIN_STEP_MS (so
     * the socket buffer need only hold one step's traffic), then pass it all on in one write:
     * the parent handles one burst per period, with its caches warm, instead of a trickle.
     * A full output buffer is written at once.
     */
    long long deadline = now_ms() + linger_ms;
    for (;;) {
      while (receive_batch(&receiver, messages, senders, buffers, vectors, controls) == BATCH) {
      }
      long long left = deadline - now_ms();
      if (left <= 0) break;
      if (poll(&watched[1], 1, left < DRAIN_STEP_MS ? (int)left : DRAIN_STEP_MS) > 0) stop_if_asked(&receiver, messages, senders, buffers, vectors, controls);
    }
    if (receiver.output_used > 0) flush_output(&receiver);
  }
}
