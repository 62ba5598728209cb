#include "core/language/token_html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

namespace codescope::language {

namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 if it is not one.
std::size_t utf8Length(const std::string& text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length = lead < 0x80           ? 1
                         : (lead >> 5) == 0x6  ? 2
                         : (lead >> 4) == 0xE  ? 3
                         : (lead >> 3) == 0x1E ? 4
                                               : 0;
    if (length == 0 || i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k)
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
    return length;
}

// A token's text made visible: spaces, tabs and newlines are shown (a token that is a space must keep its width);
// prose (titles) keeps its spaces as they are.
std::string escapeHtml(const std::string& token, bool showWhitespace) {
    std::string html;
    for (std::size_t i = 0; i < token.size();) {
        const char c = token[i];
        const std::size_t length = utf8Length(token, i);
        if (length == 0) {
            html += "&#xFFFD;";
            ++i;
            continue;
        }
        if (c == '<')
            html += "&lt;";
        else if (c == '>')
            html += "&gt;";
        else if (c == '&')
            html += "&amp;";
        else if (c == '"')
            html += "&quot;";
        else if (showWhitespace && c == '\n')
            html += "&#x21B5;<br/>";
        else if (showWhitespace && c == '\t')
            html += "&nbsp;&nbsp;&nbsp;&nbsp;";
        else if (showWhitespace && c == ' ')
            html += "&nbsp;";
        else
            html.append(token, i, length);
        i += length;
    }
    return html;
}

std::string escapeToken(const std::string& token) {
    return escapeHtml(token, true);
}
std::string escapeText(const std::string& text) {
    return escapeHtml(text, false);
}

std::string formatNumber(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.4g", value);
    return buffer;
}

void writeTrajectory(std::ostringstream& out, const std::vector<std::string>& tokens, const TokenTrajectory& line,
                     const std::string& label) {
    double scale = 0;
    for (double value : line.values)
        scale = std::max(scale, std::abs(value));
    out << "<p class=\"label\">" << label << ": projection " << line.projection << ", action "
        << formatNumber(line.action) << "</p>\n<p class=\"text\">";
    for (std::size_t t = 0; t < tokens.size() && t < line.values.size(); ++t)
        out << "<span style=\"background-color:" << divergingColour(line.values[t], scale) << "\" title=\""
            << formatNumber(line.values[t]) << "\">" << escapeToken(tokens[t]) << "</span>";
    out << "</p>\n";
}

} // namespace

std::string divergingColour(double value, double scale) {
    const double x = scale > 0 ? std::clamp(value / scale, -1.0, 1.0) : 0.0;
    // White at zero, fading to red (0xd7301f) above and blue (0x2166ac) below.
    const int target[2][3] = {{0x21, 0x66, 0xac}, {0xd7, 0x30, 0x1f}};
    const int* end = x < 0 ? target[0] : target[1];
    const double w = std::abs(x);
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", static_cast<int>(std::lround(255 + w * (end[0] - 255))),
                  static_cast<int>(std::lround(255 + w * (end[1] - 255))),
                  static_cast<int>(std::lround(255 + w * (end[2] - 255))));
    return buffer;
}

std::string tokenTrajectoriesHtml(const std::vector<LayerTokenTrajectories>& layers, const std::string& model,
                                  const std::string& data) {
    const std::string title = "Token trajectories: " + std::filesystem::path(model).filename().string();
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>" << escapeText(title) << "</title>\n"
        << "<style>body{font-family:sans-serif;max-width:60em;margin:1em auto;}"
           ".text{font-family:monospace;line-height:1.6;}.label{color:#555;margin-bottom:0;}</style>\n</head><body>\n"
        << "<h1>" << escapeText(title) << "</h1>\n<p class=\"label\">" << escapeText(model) << " on "
        << escapeText(data) << "</p>\n"
        << "<p>Each token's background is the projection's value there: blue below zero, white at zero, red above, "
           "scaled per line by its largest absolute value. Action = 1/2 sum of squared token-to-token changes; the "
           "lowest-action projections of the draws change most smoothly along the text.</p>\n";
    for (const LayerTokenTrajectories& layer : layers) {
        out << "<h2>" << escapeText(layer.layer) << "</h2>\n<p>" << layer.draws << " random projections, action "
            << formatNumber(layer.meanAction) << " &plusmn; " << formatNumber(layer.sdAction) << "</p>\n";
        for (std::size_t i = 0; i < layer.lowestAction.size(); ++i)
            writeTrajectory(out, layer.tokens, layer.lowestAction[i], "lowest action #" + std::to_string(i + 1));
        writeTrajectory(out, layer.tokens, layer.typical, "a typical draw");
    }
    out << "</body></html>\n";
    return out.str();
}

} // namespace codescope::language
