//! CIC releases ("2015 R1" to "2023 R3") and the differences between them that matter to
//! export and import.
//!
//! Releases are named `YYYY Rn`. The differences are kept as data in [`FEATURES`]: each names
//! the first release that has it. Thresholds the public material does not give are marked as
//! inferred there, so they can be corrected in one place.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A CIC (PureConnect) release such as `2018 R5`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CicVersion {
    /// The year, 2015 or later.
    pub year: u16,
    /// The release within the year, from 1.
    pub release: u8,
}

/// Every release this tool supports, oldest first. Four a year to 2017, five in 2018, fewer
/// per year afterwards as the product slowed down.
pub const RELEASES: &[CicVersion] = &[
    v(2015, 1),
    v(2015, 2),
    v(2015, 3),
    v(2015, 4),
    v(2016, 1),
    v(2016, 2),
    v(2016, 3),
    v(2016, 4),
    v(2017, 1),
    v(2017, 2),
    v(2017, 3),
    v(2017, 4),
    v(2018, 1),
    v(2018, 2),
    v(2018, 3),
    v(2018, 4),
    v(2018, 5),
    v(2019, 1),
    v(2019, 2),
    v(2019, 3),
    v(2019, 4),
    v(2020, 1),
    v(2020, 2),
    v(2020, 3),
    v(2020, 4),
    v(2021, 1),
    v(2021, 2),
    v(2021, 3),
    v(2021, 4),
    v(2022, 1),
    v(2022, 2),
    v(2022, 3),
    v(2022, 4),
    v(2023, 1),
    v(2023, 2),
    v(2023, 3),
];

const fn v(year: u16, release: u8) -> CicVersion {
    CicVersion { year, release }
}

impl CicVersion {
    /// The oldest supported release.
    pub const OLDEST: CicVersion = v(2015, 1);
    /// The newest supported release.
    pub const NEWEST: CicVersion = v(2023, 3);

    /// Whether this release is in [`RELEASES`].
    pub fn is_supported(self) -> bool {
        RELEASES.contains(&self)
    }

    /// Whether this release has `feature`.
    pub fn has(self, feature: Feature) -> bool {
        self >= feature.since()
    }
}

impl fmt::Display for CicVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} R{}", self.year, self.release)
    }
}

/// A release name that is not of the form `YYYY Rn` or not a supported release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownVersion(pub String);

impl fmt::Display for UnknownVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown CIC release {:?}: expected one of {} to {}, such as \"2018 R5\"",
            self.0,
            CicVersion::OLDEST,
            CicVersion::NEWEST
        )
    }
}

impl std::error::Error for UnknownVersion {}

impl FromStr for CicVersion {
    type Err = UnknownVersion;

    /// Accepts `2018 R5`, `2018R5`, `2018_R5` and `2018 r5`, with an optional trailing
    /// ` Patch N`, which is ignored.
    fn from_str(text: &str) -> Result<CicVersion, UnknownVersion> {
        let unknown = || UnknownVersion(text.to_string());
        let trimmed = text.trim();
        let head = trimmed.split(" Patch").next().unwrap_or(trimmed);
        let compact: String = head.chars().filter(|c| !matches!(c, ' ' | '_')).collect();
        let (year, release) = compact.split_once(['R', 'r']).ok_or_else(unknown)?;
        let version = CicVersion {
            year: year.parse().map_err(|_| unknown())?,
            release: release.parse().map_err(|_| unknown())?,
        };
        if version.is_supported() {
            Ok(version)
        } else {
            Err(unknown())
        }
    }
}

impl Serialize for CicVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CicVersion {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A difference between releases that export or import has to know about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Feature {
    /// User status data lives under the Live Data key rather than in the user entry.
    LiveDataUserStatus,
    /// Attendant language folders use the single-element name (`fr`, not `fr-fr`).
    SingleElementLanguageFolders,
    /// Dial plan classifications carry the class name of the regional dial plan.
    RegionalClassClass,
    /// The deprecated `LineQueueReportingInterval` and `QueuePeriodStatisticsInterval`
    /// server parameters are no longer created by setup.
    NoDeprecatedQueueParameters,
}

/// One row of the feature table: the first release with the feature, and whether that
/// threshold was seen in public material or inferred.
#[derive(Clone, Copy, Debug)]
pub struct FeatureRow {
    /// The feature.
    pub feature: Feature,
    /// The first release that has it.
    pub since: CicVersion,
    /// Why this threshold.
    pub source: &'static str,
}

/// The release thresholds of every [`Feature`].
pub const FEATURES: &[FeatureRow] = &[
    FeatureRow {
        feature: Feature::LiveDataUserStatus,
        since: v(2018, 1),
        source: "inferred: the vendor names the move, not the release",
    },
    FeatureRow {
        feature: Feature::SingleElementLanguageFolders,
        since: v(2019, 1),
        source: "inferred: the vendor names the renaming, not the release",
    },
    FeatureRow {
        feature: Feature::RegionalClassClass,
        since: v(2017, 1),
        source: "inferred: classification class names change with the regional dial plan",
    },
    FeatureRow {
        feature: Feature::NoDeprecatedQueueParameters,
        since: v(2017, 1),
        source: "inferred: deprecated since 3.0, kept by upgraded servers until then",
    },
];

impl Feature {
    /// The first release that has this feature.
    pub fn since(self) -> CicVersion {
        FEATURES
            .iter()
            .find(|row| row.feature == self)
            .map(|row| row.since)
            .unwrap_or(CicVersion::OLDEST)
    }
}

/// The dial plan classification class name a release uses (see [`Feature::RegionalClassClass`]).
pub fn classification_class(version: CicVersion) -> &'static str {
    if version.has(Feature::RegionalClassClass) {
        "RegionalDialPlanClassification"
    } else {
        "DialPlanClassification"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_spellings_administrators_use() {
        let expected = CicVersion {
            year: 2018,
            release: 5,
        };
        for text in [
            "2018 R5",
            "2018R5",
            "2018_R5",
            "2018 r5",
            " 2018 R5 Patch 3",
        ] {
            assert_eq!(text.parse::<CicVersion>().unwrap(), expected, "{text}");
        }
        assert!("2014 R1".parse::<CicVersion>().is_err());
        assert!("4.0 SU6".parse::<CicVersion>().is_err());
    }

    #[test]
    fn releases_are_sorted_and_span_the_supported_range() {
        assert!(RELEASES.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(RELEASES.first(), Some(&CicVersion::OLDEST));
        assert_eq!(RELEASES.last(), Some(&CicVersion::NEWEST));
    }

    #[test]
    fn features_split_old_and_new_releases() {
        let old: CicVersion = "2016 R1".parse().unwrap();
        let new: CicVersion = "2023 R3".parse().unwrap();
        for row in FEATURES {
            assert!(
                !old.has(row.feature) && new.has(row.feature),
                "{:?}",
                row.feature
            );
        }
    }
}
