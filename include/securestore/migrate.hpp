// migrate.hpp: bring in what users already have. The report vocabulary every importer shares;
// each importer has its own header under migrate/ (and, for the Secret Service entries other
// libraries wrote, under keyring/secret_service/, since it needs GIO).
#pragma once

#include <securestore/migrate/report.hpp>
#include <securestore/migrate/environment.hpp>
#include <securestore/migrate/export.hpp>
#include <securestore/migrate/plaintext_config.hpp>
