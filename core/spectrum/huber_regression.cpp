// Huber line fit with scikit-learn's HuberRegressor objective (Owen 2006's concomitant-scale Huber loss):
//   L(w, c, sigma) = n*sigma + sum_i sigma*rho(r_i/sigma) + alpha*w^2,  r_i = y_i - w*x_i - c,
//   rho(z) = z^2 for |z| <= eps, 2*eps*|z| - eps^2 otherwise.
// sigma*rho(r/sigma) is the perspective of a convex function, so L is jointly convex in (w, c, sigma) and C1,
// but only piecewise C2. sklearn runs L-BFGS-B from (0, 0, 1) with tol 1e-5; we want the minimiser itself, to
// a relative gradient of 1e-10, by a method that cannot diverge. So the fit is nested:
//   inner: for fixed sigma, G(w, c) = L(w, c, sigma) is a convex piecewise quadratic; damped Newton with the
//          piecewise Hessian and a line search that never lets G increase, falling back to the IRLS direction (from
//          Huber's quadratic majoriser of G, positive definite whatever the residuals) when fewer than two points
//          are in the quadratic zone or Newton makes no progress;
//   outer: F(sigma) = min_{w,c} L is convex (partial minimisation of a jointly convex function) and, by the
//          envelope theorem, F'(sigma) = dL/dsigma at the inner minimiser = n - n_out*eps^2 - sum_in r_i^2/sigma^2,
//          which is nondecreasing; it is bracketed and its zero found with Brent's method, which keeps the bracket
//          and so cannot run away. If F' >= 0 already at the lower bound, the bound is the solution (a perfect line).
#include "core/spectrum/huber_regression.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace codescope::spectrum {
namespace {

constexpr double kMachineEpsilon = std::numeric_limits<double>::epsilon();
// sklearn's lower bound on sigma (HuberRegressor.fit: np.finfo(np.float64).eps * 10). On a perfect line L keeps
// falling as sigma -> 0, so the solution is this bound there.
constexpr double kMinScale = 10.0 * kMachineEpsilon;
constexpr double kGradientTolerance = 1e-10;
// Newton on a piecewise quadratic ends once the set of quadratic-zone points settles, typically in a handful of
// steps; this cap only guards against a pathological cycle.
constexpr int kMaxNewtonSteps = 100;
// Regula falsi steps allowed in one line search; phi' is piecewise linear, so a few usually land on its zero.
constexpr int kMaxLineSteps = 30;

// Reductions here are plain loops: GCC 12 with -march=native (AVX-512) reports a false -Wmaybe-uninitialized
// inside Eigen 3.4's vectorised sum/mean, and -Werror turns that into a build failure.
void requireFinite(const Eigen::Ref<const Eigen::VectorXd>& v, const char* name) {
    for (Eigen::Index i = 0; i < v.size(); ++i)
        if (!std::isfinite(v[i]))
            throw std::invalid_argument(std::string("fitHuberLine: ") + name + " contains a non-finite value");
}

double mean(const Eigen::Ref<const Eigen::VectorXd>& v) {
    double sum = 0;
    for (Eigen::Index i = 0; i < v.size(); ++i)
        sum += v[i];
    return sum / static_cast<double>(v.size());
}

// The data in centred coordinates: u = x - mean(x), v = y - mean(y). Shifting x and y is an exact change of
// variables (the intercept absorbs it; the penalty is on the slope only), and it keeps the 2x2 Newton systems
// well conditioned and the residuals free of cancellation when y carries a large offset.
struct CentredData {
    Eigen::ArrayXd u;
    Eigen::ArrayXd v;
    double epsilon = 0;
    double alpha = 0;
};

// Gradient in (w, b) of G(w, b) = sum_i sigma*rho(r_i/sigma) + alpha*w^2 (L at fixed sigma, less n*sigma) and
// what the inner solver needs around it.
struct InnerState {
    Eigen::Vector2d gradient = Eigen::Vector2d::Zero();
    // Per component: sum of the absolute values of its terms (the scale a relative test is measured against) and
    // the rounding noise of the residuals carried into it (below which it cannot be resolved: a perfect line
    // at sigma ~ 1e-15 has residuals of a few ulps, comparable to sigma, so their psi are noise).
    Eigen::Vector2d gradientScale = Eigen::Vector2d::Zero();
    Eigen::Vector2d gradientFloor = Eigen::Vector2d::Zero();
    Eigen::Matrix2d newtonHessian = Eigen::Matrix2d::Zero(); // exact where no point sits on the threshold
    Eigen::Matrix2d irlsMatrix = Eigen::Matrix2d::Zero();    // curvature of the IRLS majoriser
    int inliers = 0;
    // Pieces of dL/dsigma = n - n_out*eps^2 - sum_in r^2/sigma^2 (the outer problem's derivative).
    double inlierSquares = 0;        // sum_in r^2/sigma^2
    double scaleDerivativeFloor = 0; // its rounding noise, as for gradientFloor
    int outliers = 0;
};

InnerState evaluateInner(const CentredData& d, double sigma, double w, double b) {
    InnerState s;
    const double threshold = d.epsilon * sigma;
    for (Eigen::Index i = 0; i < d.u.size(); ++i) {
        const double r = d.v[i] - w * d.u[i] - b;
        const double a = std::abs(r);
        const Eigen::Vector2d dr(-d.u[i], -1.0); // dr/d(w, b)
        const double roundoff = 4.0 * kMachineEpsilon * (std::abs(d.v[i]) + std::abs(w * d.u[i]) + std::abs(b));
        double psi = 0; // d(sigma*rho(r/sigma))/dr
        if (a <= threshold + roundoff) {
            // Within rounding of the quadratic zone. psi(r) is 2/sigma-Lipschitz with range [-2eps, 2eps], and
            // the sigma-derivative term min(r^2/sigma^2, eps^2) is 2eps/sigma-Lipschitz with range [0, eps^2].
            s.gradientFloor += std::min(2.0 * roundoff / sigma, 4.0 * d.epsilon) * dr.cwiseAbs();
            s.scaleDerivativeFloor += std::min(2.0 * d.epsilon * roundoff / sigma, d.epsilon * d.epsilon);
        }
        // sklearn counts |r| > eps*sigma as an outlier, so the boundary point is quadratic.
        if (a <= threshold) {
            psi = 2.0 * r / sigma;
            s.newtonHessian.noalias() += (2.0 / sigma) * dr * dr.transpose();
            s.irlsMatrix.noalias() += (2.0 / sigma) * dr * dr.transpose();
            s.inlierSquares += (r / sigma) * (r / sigma);
            ++s.inliers;
        } else {
            psi = 2.0 * d.epsilon * (r < 0 ? -1.0 : 1.0);
            // Huber's IRLS weight psi(r)/r: the quadratic with this curvature through the current point lies
            // above the linear piece, so minimising the sum of such quadratics never increases the loss.
            s.irlsMatrix.noalias() += (2.0 * d.epsilon / a) * dr * dr.transpose();
            ++s.outliers;
        }
        s.gradient += psi * dr;
        s.gradientScale += std::abs(psi) * dr.cwiseAbs();
    }
    s.gradient[0] += 2.0 * d.alpha * w;
    s.gradientScale[0] += 2.0 * d.alpha * std::abs(w);
    s.newtonHessian(0, 0) += 2.0 * d.alpha;
    s.irlsMatrix(0, 0) += 2.0 * d.alpha;
    return s;
}

bool innerGradientSmall(const InnerState& s) {
    for (int k = 0; k < 2; ++k)
        if (std::abs(s.gradient[k]) > kGradientTolerance * s.gradientScale[k] + s.gradientFloor[k]) return false;
    return true;
}

// Solves H d = -g for a symmetric positive semidefinite 2x2 H. A (near-)singular H (constant x with alpha = 0:
// the slope is then free) gets a small ridge, which leaves the null direction alone because g has no component
// along it.
Eigen::Vector2d descentDirection(Eigen::Matrix2d h, const Eigen::Vector2d& g) {
    const double trace = h(0, 0) + h(1, 1);
    double det = h(0, 0) * h(1, 1) - h(0, 1) * h(1, 0);
    if (!(det > 1e-14 * h(0, 0) * h(1, 1)) || !(det > 0)) {
        const double ridge = 1e-10 * trace + std::numeric_limits<double>::min();
        h(0, 0) += ridge;
        h(1, 1) += ridge;
        det = h(0, 0) * h(1, 1) - h(0, 1) * h(1, 0);
    }
    return Eigen::Vector2d(-(h(1, 1) * g[0] - h(0, 1) * g[1]) / det, -(h(0, 0) * g[1] - h(1, 0) * g[0]) / det);
}

// Line search along direction from (w, b), on the directional derivative phi'(t) = grad G(w + t*d).d rather
// than on G: G is convex along the line, so phi' is nondecreasing (piecewise linear, as G is piecewise
// quadratic), and it stays accurate near the minimum, where differences of G drown in rounding (a decrease of
// 1e-17 in a G of 10). Takes the full step if phi'(1) <= 0 (G falls all the way); otherwise regula falsi with
// the Illinois modification towards the zero of phi' in (0, 1). It stops at a t with phi'(t) <= 0 close to that
// zero (|phi'(t)| <= 0.1 |phi'(0)|, the strong Wolfe curvature condition), so G falls, or at any t with
// |phi'(t)| <= 1e-6 |phi'(0)|: the line minimum up to rounding, which a full Newton step in the right piece hits
// with phi'(1) = +1e-15 as often as with -1e-15. Returns false, leaving (w, b) alone, if no step makes progress.
bool lineSearch(const CentredData& d, double sigma, const InnerState& s, const Eigen::Vector2d& direction, double& w,
                double& b) {
    const double slope0 = s.gradient.dot(direction);
    if (!(slope0 < 0)) return false;
    const double negligible = 1e-6 * -slope0;
    const auto slopeAt = [&](double t) {
        return evaluateInner(d, sigma, w + t * direction[0], b + t * direction[1]).gradient.dot(direction);
    };
    double tLow = 0, slopeLow = slope0, tHigh = 1, slopeHigh = slopeAt(1.0);
    double tAccepted = slopeHigh <= negligible ? 1.0 : 0.0;
    int lastSide = 0;
    for (int k = 0; k < kMaxLineSteps && tAccepted == 0; ++k) {
        const double t = (tLow * slopeHigh - tHigh * slopeLow) / (slopeHigh - slopeLow);
        if (!(t > tLow && t < tHigh)) break;
        const double slope = slopeAt(t);
        if (std::abs(slope) <= negligible || (slope <= 0 && slope >= 0.1 * slope0)) tAccepted = t;
        if (slope <= 0) {
            tLow = t;
            slopeLow = slope;
            if (lastSide < 0) slopeHigh *= 0.5;
            lastSide = -1;
        } else {
            tHigh = t;
            slopeHigh = slope;
            if (lastSide > 0) slopeLow *= 0.5;
            lastSide = 1;
        }
    }
    // Out of steps: the left end of the bracket still lowers G.
    if (tAccepted == 0) tAccepted = tLow;
    const double wNew = w + tAccepted * direction[0];
    const double bNew = b + tAccepted * direction[1];
    if (wNew == w && bNew == b) return false;
    w = wNew;
    b = bNew;
    return true;
}

// Minimises L over (w, b) at fixed sigma, starting from (w, b). Returns the state at the final point.
InnerState minimiseAtScale(const CentredData& d, double sigma, double& w, double& b) {
    InnerState s = evaluateInner(d, sigma, w, b);
    for (int step = 0; step < kMaxNewtonSteps && !innerGradientSmall(s); ++step) {
        // Newton needs two quadratic-zone points to see curvature in both directions; with fewer it would step
        // far along a flat direction and spend the line search coming back.
        bool moved = s.inliers >= 2 && lineSearch(d, sigma, s, descentDirection(s.newtonHessian, s.gradient), w, b);
        if (!moved) moved = lineSearch(d, sigma, s, descentDirection(s.irlsMatrix, s.gradient), w, b);
        if (!moved) break; // no representable decrease left; the caller judges the gradient
        s = evaluateInner(d, sigma, w, b);
    }
    return s;
}

// dL/dsigma at the inner minimiser: F'(sigma) of the outer problem.
double scaleDerivative(const CentredData& d, const InnerState& s) {
    return static_cast<double>(s.inliers + s.outliers) - s.outliers * d.epsilon * d.epsilon - s.inlierSquares;
}

bool scaleDerivativeSmall(const CentredData& d, const InnerState& s) {
    const double scale =
        static_cast<double>(s.inliers + s.outliers) + s.outliers * d.epsilon * d.epsilon + s.inlierSquares;
    return std::abs(scaleDerivative(d, s)) <= kGradientTolerance * scale + s.scaleDerivativeFloor;
}

// Brent's zero finder (Brent 1973, ch. 4) for f on [low, high] with f(low) < 0 < f(high): inverse quadratic and
// secant steps, bisection whenever they do not shrink the bracket fast enough, so the bracket always holds the
// sign change and cannot run away. Stops when the bracket is a few ulps wide, f hits 0, or budgetLeft() fails.
template <class Function, class Budget>
double brentZero(Function&& f, double low, double high, double fLow, double fHigh, Budget&& budgetLeft) {
    double a = low, fa = fLow, b = high, fb = fHigh;
    double c = b, fc = fb, step = 0, previousStep = 0;
    while (budgetLeft()) {
        if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
            c = a;
            fc = fa;
            step = previousStep = b - a;
        }
        if (std::abs(fc) < std::abs(fb)) {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        const double tolerance = 2.0 * kMachineEpsilon * std::abs(b);
        const double half = 0.5 * (c - b);
        if (std::abs(half) <= tolerance || fb == 0) break;
        if (std::abs(previousStep) >= tolerance && std::abs(fa) > std::abs(fb)) {
            const double s = fb / fa;
            double p = 0, q = 0;
            if (a == c) {
                p = 2.0 * half * s;
                q = 1.0 - s;
            } else {
                const double qa = fa / fc, rb = fb / fc;
                p = s * (2.0 * half * qa * (qa - rb) - (b - a) * (rb - 1.0));
                q = (qa - 1.0) * (rb - 1.0) * (s - 1.0);
            }
            if (p > 0) q = -q;
            p = std::abs(p);
            if (2.0 * p < std::min(3.0 * half * q - std::abs(tolerance * q), std::abs(previousStep * q))) {
                previousStep = step;
                step = p / q;
            } else {
                step = half;
                previousStep = step;
            }
        } else {
            step = half;
            previousStep = step;
        }
        a = b;
        fa = fb;
        b += std::abs(step) > tolerance ? step : std::copysign(tolerance, half);
        fb = f(b);
    }
    return b;
}

double median(std::vector<double> values) {
    const auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), mid, values.end());
    if (values.size() % 2 == 1) return *mid;
    return 0.5 * (*mid + *std::max_element(values.begin(), mid));
}

// A starting scale near the answer, so that bracketing needs few steps: 1.4826 * the median absolute residual of
// the least-squares line (a consistent estimate of a Gaussian noise level), or the RMS residual when more than half
// the points lie on that line. It is kept above 1e-8 of the data's size: at a scale near the rounding of the
// residuals the inner problem cannot be resolved, and on a perfect fit (n = 2, say) the penalty may still move the
// line far from least squares (slope 1e6 costs alpha*w^2 = 1e8), which the inner solve sees only at a sane scale.
double initialScale(const CentredData& d, double w, double b) {
    std::vector<double> absResiduals(static_cast<std::size_t>(d.u.size()));
    double squares = 0, size = 0;
    for (Eigen::Index i = 0; i < d.u.size(); ++i) {
        const double r = d.v[i] - w * d.u[i] - b;
        absResiduals[static_cast<std::size_t>(i)] = std::abs(r);
        squares += r * r;
        size = std::max(size, std::abs(d.v[i]) + std::abs(w * d.u[i]));
    }
    double s = 1.4826 * median(absResiduals);
    if (!(s > kMinScale)) s = std::sqrt(squares / static_cast<double>(d.u.size()));
    return std::max({s, 1e-8 * size, kMinScale});
}

} // namespace

double huberObjective(const Eigen::Ref<const Eigen::VectorXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                      double slope, double intercept, double sigma, const HuberOptions& options) {
    if (x.size() != y.size())
        throw std::invalid_argument("huberObjective: x has " + std::to_string(x.size()) + " values but y has " +
                                    std::to_string(y.size()));
    if (!(sigma > 0)) throw std::invalid_argument("huberObjective: sigma must be positive");
    const double eps = options.epsilon;
    double sum = static_cast<double>(x.size()) * sigma;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
        const double r = y[i] - slope * x[i] - intercept;
        const double a = std::abs(r);
        sum += a <= eps * sigma ? r * r / sigma : 2.0 * eps * a - sigma * eps * eps;
    }
    return sum + options.alpha * slope * slope;
}

HuberFit fitHuberLine(const Eigen::Ref<const Eigen::VectorXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                      const HuberOptions& options) {
    if (x.size() != y.size())
        throw std::invalid_argument("fitHuberLine: x has " + std::to_string(x.size()) + " values but y has " +
                                    std::to_string(y.size()));
    if (x.size() < 2)
        throw std::invalid_argument("fitHuberLine: needs at least 2 points, got " + std::to_string(x.size()));
    requireFinite(x, "x");
    requireFinite(y, "y");
    if (!(options.epsilon >= 1.0)) throw std::invalid_argument("fitHuberLine: epsilon must be >= 1");
    if (!(options.alpha >= 0.0)) throw std::invalid_argument("fitHuberLine: alpha must be >= 0");
    if (options.maxIterations < 1) throw std::invalid_argument("fitHuberLine: maxIterations must be >= 1");

    const double xMean = mean(x);
    const double yMean = mean(y);
    CentredData d;
    d.u = x.array() - xMean;
    d.v = y.array() - yMean;
    d.epsilon = options.epsilon;
    d.alpha = options.alpha;

    // Start the line at least squares (the centred intercept is then 0); constant x gives slope 0.
    double uu = 0, uv = 0;
    for (Eigen::Index i = 0; i < d.u.size(); ++i) {
        uu += d.u[i] * d.u[i];
        uv += d.u[i] * d.v[i];
    }
    double w = uu > 0 ? uv / uu : 0.0;
    double b = 0.0;

    HuberFit fit;
    int evaluations = 0;
    InnerState last;
    auto derivativeAt = [&](double sigma) {
        ++evaluations;
        last = minimiseAtScale(d, sigma, w, b);
        return scaleDerivative(d, last);
    };
    const auto budgetLeft = [&] { return evaluations < options.maxIterations; };

    // Bracket the zero of F' (nondecreasing; F' -> n > 0 as sigma -> infinity, since every point is then in the
    // quadratic zone with bounded residuals) by factors of 4 from the starting scale. Downwards, the step may be
    // longer: were every point in the quadratic zone, F' = n - sum r^2/sigma^2 would vanish at
    // sqrt(sum r^2 / n), and overshooting the zero only closes the bracket, so a perfect line reaches the
    // bound in a step or two instead of 25 quarterings.
    double sigma = initialScale(d, w, b);
    double derivative = derivativeAt(sigma);
    double low = sigma, high = sigma, derivativeLow = derivative, derivativeHigh = derivative;
    bool onBound = false;
    bool bracketed = derivative == 0;
    if (derivative > 0) {
        while (!bracketed && !onBound && budgetLeft()) {
            high = sigma;
            derivativeHigh = derivative;
            const double allInlierZero =
                sigma * std::sqrt(last.inlierSquares / static_cast<double>(last.inliers + last.outliers));
            sigma = std::max(std::min(sigma / 4.0, allInlierZero), kMinScale);
            derivative = derivativeAt(sigma);
            if (derivative <= 0) {
                low = sigma;
                derivativeLow = derivative;
                bracketed = true;
            } else if (sigma == kMinScale) {
                onBound = true;
            }
        }
    } else if (derivative < 0) {
        while (!bracketed && budgetLeft()) {
            low = sigma;
            derivativeLow = derivative;
            sigma *= 4.0;
            derivative = derivativeAt(sigma);
            if (derivative >= 0) {
                high = sigma;
                derivativeHigh = derivative;
                bracketed = true;
            }
        }
    }

    if (bracketed && derivative != 0)
        sigma = brentZero(derivativeAt, low, high, derivativeLow, derivativeHigh, budgetLeft);
    if (onBound) sigma = kMinScale;

    // Brent's best point is not always the last one evaluated: solve the line there once more (a warm start, so
    // usually no step) and judge convergence on the full gradient of L.
    const InnerState finalState = minimiseAtScale(d, sigma, w, b);
    const double finalDerivative = scaleDerivative(d, finalState);
    const bool scaleStationary = (sigma == kMinScale && finalDerivative >= 0) || scaleDerivativeSmall(d, finalState);
    fit.slope = w;
    fit.intercept = yMean + b - w * xMean;
    fit.scale = sigma;
    fit.iterations = evaluations;
    fit.converged = innerGradientSmall(finalState) && scaleStationary && (bracketed || onBound);
    return fit;
}

} // namespace codescope::spectrum
