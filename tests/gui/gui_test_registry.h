#pragma once
// One executable holds every GUI test class (one link against LibTorch instead of one per class); ctest runs each
// class as its own test by name, so a crash in one does not hide the others.
#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <vector>

namespace codescope::guitest {

struct GuiTestCase {
    QString name;
    std::function<std::unique_ptr<QObject>()> make;
};

std::vector<GuiTestCase>& guiTestCases();

struct GuiTestRegistration {
    GuiTestRegistration(const char* name, std::function<std::unique_ptr<QObject>()> make) {
        guiTestCases().push_back({QString::fromLatin1(name), std::move(make)});
    }
};

/// Where the tests write screenshots and exported files for people to look at (the build's test output folder).
QString artifactsDir();
/// tests/gui/data in the source tree.
QString testDataDir();

} // namespace codescope::guitest

#define CODESCOPE_GUI_TEST(Class)                                                                                      \
    static const codescope::guitest::GuiTestRegistration Class##Registration(                                          \
        #Class, [] { return std::unique_ptr<QObject>(new Class); });
