#include "app/gui/start_page.h"

#include <QDir>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include "app/gui/recent_files.h"

namespace codescope::gui {

StartPage::StartPage(RecentFiles* recent, QWidget* parent)
    : QWidget(parent), m_recent(recent), m_recentList(new QListWidget) {
    setObjectName("startPage");
    auto* title = new QLabel(tr("<h1>Codescope</h1>"));
    auto* blurb = new QLabel(tr("Eigenspectra of neural network layers: how each layer's activation variance decays "
                                "over principal components, and its power-law exponent α by depth."));
    blurb->setWordWrap(true);
    auto* openAnalysis = new QPushButton(tr("Open analysis…"));
    openAnalysis->setObjectName("startOpenAnalysis");
    openAnalysis->setToolTip(tr("A JSON file written by codescope-cli analyze --json"));
    auto* analyseModel = new QPushButton(tr("Analyse a model…"));
    analyseModel->setObjectName("startAnalyseModel");
    analyseModel->setToolTip(tr("Run a TorchScript model over a data set (Fashion-MNIST by default)"));
    auto* demo = new QPushButton(tr("Demo: the paper's dropout sweep"));
    demo->setObjectName("startDemo");
    demo->setToolTip(tr("Trains the small ResNet-VAE at five dropout rates on Fashion-MNIST (about ten minutes on two "
                        "cores; reused once trained), analyses every run and opens the sweep with the dropout slider"));
    auto* languageDemo = new QPushButton(tr("Language demo: a tiny transformer"));
    languageDemo->setObjectName("startLanguageDemo");
    languageDemo->setToolTip(
        tr("Trains a tiny byte-level transformer LM on the licence texts every Debian has (about two "
           "minutes; reused once trained), analyses its GELU layers on GPL-3 and opens them; the "
           "Tokens tab then draws its token trajectories"));
    m_continue = new QPushButton;
    m_continue->setObjectName("startContinue");
    m_continue->setToolTip(tr("Reopen what was open last time, with its selected layers, figure and run"));
    m_continue->hide();
    for (QPushButton* button : {m_continue, openAnalysis, analyseModel, demo, languageDemo})
        button->setMinimumHeight(36);
    m_recentList->setObjectName("recentList");
    m_recentList->setMaximumHeight(200);

    auto* column = new QVBoxLayout;
    column->addWidget(title);
    column->addWidget(blurb);
    column->addSpacing(12);
    column->addWidget(m_continue);
    column->addWidget(openAnalysis);
    column->addWidget(analyseModel);
    column->addWidget(demo);
    column->addWidget(languageDemo);
    column->addSpacing(16);
    column->addWidget(new QLabel(tr("<b>Recent analyses</b>")));
    column->addWidget(m_recentList);
    column->addStretch(1);
    auto* box = new QWidget;
    box->setLayout(column);
    box->setMaximumWidth(560);
    auto* layout = new QHBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(box, 3);
    layout->addStretch(1);

    connect(openAnalysis, &QPushButton::clicked, this, &StartPage::openAnalysisRequested);
    connect(analyseModel, &QPushButton::clicked, this, &StartPage::analyseModelRequested);
    connect(demo, &QPushButton::clicked, this, &StartPage::demoRequested);
    connect(languageDemo, &QPushButton::clicked, this, &StartPage::languageDemoRequested);
    connect(m_continue, &QPushButton::clicked, this, &StartPage::continueRequested);
    connect(m_recentList, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { Q_EMIT recentFileRequested(item->data(Qt::UserRole).toString()); });
    connect(m_recent, &RecentFiles::changed, this, &StartPage::fillRecent);
    fillRecent();
}

void StartPage::setContinueTarget(const QString& what) {
    m_continue->setText(tr("Continue with %1").arg(what));
    m_continue->setVisible(!what.isEmpty());
}

void StartPage::fillRecent() {
    m_recentList->clear();
    for (const QString& path : m_recent->files()) {
        auto* item = new QListWidgetItem(QDir::toNativeSeparators(path), m_recentList);
        item->setData(Qt::UserRole, path);
    }
    if (m_recent->files().isEmpty()) {
        auto* item = new QListWidgetItem(tr("None yet"), m_recentList);
        item->setFlags(Qt::NoItemFlags);
    }
}

} // namespace codescope::gui
