// The host end of the serial console: guest output goes to a FILE (stdout by default) byte by byte,
// and every completed line is also handed to a listener (the tracer). Guest input is a byte queue
// filled before or during the run by the front end; reading it never consults the host clock.
#pragma once
#include <cstdio>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

namespace chemu {

class Console {
 public:
  using LineListener = std::function<void(int core, std::string_view line)>;
  explicit Console(std::FILE* out = stdout) : out_(out) {}
  void set_line_listener(LineListener l) { on_line_ = std::move(l); }
  void put(int core, char c);
  void write(int core, std::string_view s) {
    for (char c : s) put(core, c);
  }
  void flush();

  void feed_input(std::string_view bytes) { input_.insert(input_.end(), bytes.begin(), bytes.end()); }
  bool has_input() const { return !input_.empty(); }
  char take_input();
  const std::string& output() const { return all_; }  // everything written so far

 private:
  std::FILE* out_;
  LineListener on_line_;
  std::string line_, all_;
  std::deque<char> input_;
};

}  // namespace chemu
