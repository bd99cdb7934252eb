#include "gdb/rsp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace chemu::gdb {

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string hex_encode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) out += kDigits[b >> 4], out += kDigits[b & 15];
  return out;
}

std::optional<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += char(hi << 4 | lo);
  }
  return out;
}

std::optional<uint64_t> parse_hex(std::string_view text) {
  if (text.empty() || text.size() > 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    const int d = hex_digit(c);
    if (d < 0) return std::nullopt;
    v = v << 4 | uint64_t(d);
  }
  return v;
}

std::string frame(std::string_view payload) {
  std::string body;
  for (char c : payload) {
    if (c == '#' || c == '$' || c == '}' || c == '*') body += '}', body += char(c ^ 0x20);
    else body += c;
  }
  uint8_t sum = 0;
  for (unsigned char c : body) sum = uint8_t(sum + c);
  return fmt::format("${}#{:02x}", body, sum);
}

RspServer::RspServer(int port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) throw std::runtime_error(fmt::format("gdb: socket: {}", std::strerror(errno)));
  const int one = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(uint16_t(port));
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || ::listen(listener_, 1) < 0) {
    const std::string err = std::strerror(errno);
    ::close(listener_);
    throw std::runtime_error(fmt::format("gdb: cannot listen on port {}: {}", port, err));
  }
  socklen_t len = sizeof addr;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
}

RspServer::~RspServer() {
  close_client();
  if (listener_ >= 0) ::close(listener_);
}

bool RspServer::accept_client(bool wait) {
  if (client_ >= 0) return true;
  pollfd p{listener_, POLLIN, 0};
  if (::poll(&p, 1, wait ? -1 : 0) <= 0) return false;
  client_ = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client_ < 0) return false;
  const int one = 1;
  ::setsockopt(client_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ack_ = true;
  in_.clear();
  return true;
}

void RspServer::close_client() {
  if (client_ >= 0) ::close(client_);
  client_ = -1;
  in_.clear();
}

bool RspServer::fill(bool wait) {
  pollfd p{client_, POLLIN, 0};
  if (::poll(&p, 1, wait ? -1 : 0) <= 0) return !wait;  // nothing yet (not an error without waiting)
  char buf[4096];
  const ssize_t n = ::recv(client_, buf, sizeof buf, 0);
  if (n <= 0) return false;
  in_.append(buf, size_t(n));
  return true;
}

// Ctrl-C is a lone 0x03 outside any packet. It stays in the stream where it came, so one that
// arrives in the same read as the packet resuming the target (gdb sends `c`, the user presses
// Ctrl-C at once) still counts: read_packet drops only what comes before the packet it returns.
bool RspServer::interrupted() {
  if (client_ < 0) return false;
  if (!fill(false)) return true;
  const size_t at = in_.find('\x03');
  if (at == std::string::npos || at > in_.find('$')) return false;
  in_.erase(at, 1);
  return true;
}

std::optional<std::string> RspServer::read_packet() {
  for (;;) {
    if (client_ < 0) return std::nullopt;
    // Acknowledgements and noise before a packet, Ctrl-C among them: sent while the target was
    // already stopped, it has no effect.
    size_t start = in_.find('$');
    if (in_.find('-') < start) send_raw(last_sent_);  // the client asks for the last packet again
    if (start == std::string::npos) {
      in_.clear();
      if (!fill(true)) return close_client(), std::nullopt;
      continue;
    }
    const size_t hash = in_.find('#', start);
    if (hash == std::string::npos || in_.size() < hash + 3) {
      in_.erase(0, start);
      if (!fill(true)) return close_client(), std::nullopt;
      continue;
    }
    const std::string body = in_.substr(start + 1, hash - start - 1);
    const std::optional<uint64_t> sum = parse_hex(std::string_view(in_).substr(hash + 1, 2));
    in_.erase(0, hash + 3);
    uint8_t mine = 0;
    for (unsigned char c : body) mine = uint8_t(mine + c);
    if (ack_ && (!sum || *sum != mine)) {
      send_raw("-");
      continue;
    }
    if (ack_) send_raw("+");
    std::string payload;  // undo the escapes
    for (size_t i = 0; i < body.size(); ++i) payload += body[i] == '}' && i + 1 < body.size() ? char(body[++i] ^ 0x20) : body[i];
    return payload;
  }
}

void RspServer::send_packet(std::string_view payload) {
  last_sent_ = frame(payload);
  send_raw(last_sent_);
}

void RspServer::send_raw(std::string_view bytes) {
  while (client_ >= 0 && !bytes.empty()) {
    const ssize_t n = ::send(client_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return close_client();
    bytes.remove_prefix(size_t(n));
  }
}

}  // namespace chemu::gdb
