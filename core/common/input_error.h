#pragma once
// Errors that the user can fix: a bad file, a bad option, values the analysis cannot use.
#include <stdexcept>
#include <string>

namespace codescope {

/// Thrown for bad user input. what() is a single line that names the file (where there is one) and the problem,
/// ready to be printed as is by the CLI or shown in a dialog by the GUI.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Thrown when a long job stops because its CancelToken was set.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

} // namespace codescope
