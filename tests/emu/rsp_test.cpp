// The RSP transport's Ctrl-C handling, driven from a client socket on the loopback interface.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "gdb/rsp.h"

namespace chemu::gdb {
namespace {

// A server with one client connected to it; the client writes raw bytes.
struct Connected {
  RspServer server{0};
  int client = -1;

  Connected() {
    client = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(uint16_t(server.port()));
    EXPECT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_TRUE(server.accept_client(true));
  }
  ~Connected() { ::close(client); }
  void send(std::string_view bytes) const { ASSERT_EQ(::send(client, bytes.data(), bytes.size(), 0), ssize_t(bytes.size())); }
  // interrupted() looks without waiting: give the loopback a moment to deliver (guards a hang only).
  bool interrupted_soon() {
    for (int i = 0; i < 1000; ++i) {
      if (server.interrupted()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }
};

// Catches: a Ctrl-C lost because it came in the same read as the packet that resumed the target
// (gdb sends `c`, the user presses Ctrl-C at once): the guest then ran to its end.
TEST(RspServer, CtrlCInTheSameReadAsTheResumingPacketCounts) {
  Connected c;
  c.send("$c#63\x03");
  EXPECT_EQ(c.server.read_packet(), "c");
  EXPECT_TRUE(c.server.interrupted());
  EXPECT_FALSE(c.server.interrupted());  // once
}

// Catches: a Ctrl-C sent while the target was already stopped stopping it again after it resumes.
TEST(RspServer, CtrlCBeforeAPacketHasNoEffect) {
  Connected c;
  c.send("\x03$c#63");
  EXPECT_EQ(c.server.read_packet(), "c");
  EXPECT_FALSE(c.server.interrupted());
}

TEST(RspServer, CtrlCWhileRunningCounts) {
  Connected c;
  c.send("$c#63");
  EXPECT_EQ(c.server.read_packet(), "c");
  EXPECT_FALSE(c.server.interrupted());
  c.send("\x03");
  EXPECT_TRUE(c.interrupted_soon());
}

// A packet's bytes are its own: a 0x03 inside one is data, not Ctrl-C (binary packets may hold it).
TEST(RspServer, ByteThreeInsideAPacketIsData) {
  Connected c;
  c.send("$M0,1:\x03#17");
  ::shutdown(c.client, SHUT_WR);  // a server waiting for more bytes sees the end instead of hanging
  EXPECT_EQ(c.server.read_packet(), std::optional<std::string>("M0,1:\x03"));
}

}  // namespace
}  // namespace chemu::gdb
