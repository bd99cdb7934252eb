// The files a run writes (--trace, --perfetto, --schedule-out, --screenshot) are opened before it
// starts, so a path that cannot be written fails at once instead of after a long run, and every write
// error, including the one a full disk reports only when the file is closed, ends in OutputError.
#pragma once
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace chemu::cli {

struct OutputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class OutputFile {
 public:
  OutputFile() = default;
  // Opens `path` ('-': stdout) for `option`; nothing when `path` is empty. Throws OutputError.
  OutputFile(std::string option, std::string path);
  explicit operator bool() const { return f_ != nullptr; }
  std::FILE* get() const { return f_.get(); }
  std::string name() const { return option_ + " file '" + path_ + "'"; }  // for messages
  std::FILE* release() { return f_.release(); }  // to a trace sink, which closes it and reports its errors
  void write(std::string_view bytes);  // throws OutputError
  void close();                        // throws OutputError if any write failed

 private:
  [[noreturn]] void fail() const;
  struct Closer {
    void operator()(std::FILE* f) const;
  };
  std::string option_, path_;
  std::unique_ptr<std::FILE, Closer> f_;
};

}  // namespace chemu::cli
