#pragma once
// LibTorch's error texts in the user's terms. Its messages carry C++ backtraces, source locations and internal
// advice ("please report a bug to PyTorch", "Caffe2 uses a lazy allocation ..."); a user of a damaged model file
// needs one line that says what is wrong with the file.
#include <exception>
#include <string>

namespace codescope::models {

/// The first line of `text` (a LibTorch message without backtrace), with LibTorch's internal wording replaced by
/// what it means for the file being read, and control characters escaped.
std::string translateTorchText(const std::string& text);

/// translateTorchText of the exception's message (c10::Error: without its backtrace).
std::string torchErrorText(const std::exception& error);

} // namespace codescope::models
