#include "dev/console.h"

#include <algorithm>

namespace chemu {

void Console::put(int core, char c, UartPort port) {
  all_.push_back(c);
  const bool fresh = !muted_ && all_.size() > sent_;
  if (fresh) sent_ = all_.size();
  if (out_ && fresh) std::fputc(c, out_);
  std::string& line = lines_[port == UartPort::Mini ? 1 : 0];
  if (c != '\n') {
    line.push_back(c);
    return;
  }
  if (out_) std::fflush(out_);
  if (on_line_) on_line_(core, line, port);
  line.clear();
}

void Console::flush() {
  if (out_) std::fflush(out_);
}

void Console::drop_input(size_t n) { input_.erase(input_.begin(), input_.begin() + std::ptrdiff_t(std::min(n, input_.size()))); }

char Console::take_input() {
  if (input_.empty()) return 0;
  char c = input_.front();
  input_.pop_front();
  return c;
}

}  // namespace chemu
