// The host end of the serial console: guest output goes to a FILE (stdout by default) byte by byte,
// and every completed line is also handed to a listener (the tracer). Guest input is a byte queue
// filled before or during the run by the front end; reading it never consults the host clock.
// Both UARTs (the PL011 and the mini UART) share this one console, in and out: their bytes reach the
// FILE in the order written, and lines are assembled per UART so the listener can name which.
#pragma once
#include <array>
#include <cstdio>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <tuple>

namespace chemu {

enum class UartPort { Pl011, Mini };  // UART0 (PL011) and UART1 (the AUX mini UART)

class Console {
 public:
  using LineListener = std::function<void(int core, std::string_view line, UartPort port)>;
  explicit Console(std::FILE* out = stdout) : out_(out) {}
  void set_line_listener(LineListener l) { on_line_ = std::move(l); }
  void put(int core, char c, UartPort port = UartPort::Pl011);
  void write(int core, std::string_view s) {  // semihosting output: it joins the PL011's lines
    for (char c : s) put(core, c);
  }
  void flush();

  void feed_input(std::string_view bytes) { input_.insert(input_.end(), bytes.begin(), bytes.end()); }
  bool has_input() const { return !input_.empty(); }
  size_t input_size() const { return input_.size(); }
  char take_input();
  void drop_input(size_t n);  // discard up to n bytes (a receive FIFO clear)
  const std::string& output() const { return all_; }  // everything written so far

  // Machine snapshots: what was written and what is still to be read. Going back to a snapshot
  // shortens output(), but the FILE has had those bytes already: written again (the same run is
  // re-executed), they are not sent a second time; nor is anything while muted (a slice being
  // abandoned for a snapshot).
  auto fields() { return std::tie(all_, lines_, input_); }
  void set_muted(bool muted) { muted_ = muted; }

 private:
  std::FILE* out_;
  LineListener on_line_;
  std::string all_;
  std::array<std::string, 2> lines_;  // the unfinished line of each UartPort
  std::deque<char> input_;
  size_t sent_ = 0;  // bytes of output() the FILE has had, the most any timeline wrote
  bool muted_ = false;
};

}  // namespace chemu
