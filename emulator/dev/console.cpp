#include "dev/console.h"

namespace chemu {

void Console::put(int core, char c) {
  if (out_) std::fputc(c, out_);
  all_.push_back(c);
  if (c != '\n') {
    line_.push_back(c);
    return;
  }
  if (out_) std::fflush(out_);
  if (on_line_) on_line_(core, line_);
  line_.clear();
}

void Console::flush() {
  if (out_) std::fflush(out_);
}

char Console::take_input() {
  if (input_.empty()) return 0;
  char c = input_.front();
  input_.pop_front();
  return c;
}

}  // namespace chemu
