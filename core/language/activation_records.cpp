#include "core/language/activation_records.h"

#include <algorithm>
#include <limits>

namespace codescope::language {

double ActivationRecord::maxActivation() const {
    return activations.empty() ? -std::numeric_limits<double>::infinity()
                               : *std::max_element(activations.begin(), activations.end());
}

} // namespace codescope::language
