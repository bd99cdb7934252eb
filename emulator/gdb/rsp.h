// The GDB remote serial protocol's transport: one TCP listener, one client at a time, packets framed
// as `$payload#checksum` with acknowledgements until the client turns them off (QStartNoAckMode).
// It knows nothing about the target: the stub (gdb_stub.h) gives meaning to the payloads.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chemu::gdb {

// Lower-case hex of bytes, and back (nullopt on an odd length or a non-hex digit).
std::string hex_encode(std::string_view bytes);
std::optional<std::string> hex_decode(std::string_view hex);
// A whole string as one hex number (nullopt if empty, not hex, or more than 64 bits).
std::optional<uint64_t> parse_hex(std::string_view text);
// `$payload#cc` with `#`, `$`, `}` and `*` escaped.
std::string frame(std::string_view payload);

class RspServer {
 public:
  // Listens on 127.0.0.1:port (0: a free port the system picks). Throws std::runtime_error.
  explicit RspServer(int port);
  ~RspServer();
  RspServer(const RspServer&) = delete;
  RspServer& operator=(const RspServer&) = delete;

  int port() const { return port_; }
  bool connected() const { return client_ >= 0; }
  // Takes a waiting client, if any (`wait`: blocks until one comes). True when connected.
  bool accept_client(bool wait);
  // Without blocking: has the client sent Ctrl-C (0x03) since the last packet read_packet returned?
  // Other bytes stay buffered for read_packet. A client that went away counts as an interrupt
  // (read_packet then says so).
  bool interrupted();
  // The next packet's payload (blocking); nullopt once the client has gone.
  std::optional<std::string> read_packet();
  void send_packet(std::string_view payload);
  void set_no_ack() { ack_ = false; }
  void close_client();

 private:
  bool fill(bool wait);  // reads what the socket has into in_; false on EOF or error
  void send_raw(std::string_view bytes);

  int listener_ = -1, client_ = -1, port_ = 0;
  bool ack_ = true;
  std::string in_, last_sent_;
};

}  // namespace chemu::gdb
