// Writing an RGB image as a PNG file (libpng): what `chemu --screenshot` saves of the framebuffer.
// The file is a function of the pixels only (no time stamp or other chunk that changes between runs).
#pragma once
#include <cstdio>
#include <string>

#include "dev/framebuffer.h"

namespace chemu {

// Writes `image` (8-bit RGB, no alpha) to `f`, which stays open: the caller closes it and checks
// for write errors (a full disk shows only then). Returns an empty string on success, else what failed.
std::string write_png(std::FILE* f, const RgbImage& image);

}  // namespace chemu
