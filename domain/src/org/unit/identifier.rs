//! Agency identifiers: the electronic identifier of QĐ 20/2020/QĐ-TTg (mã định danh điện tử:
//! groups of `[0-9A-Z]` joined by dots, at most 35 characters, developed left to right from the
//! level-1 code, e.g. `H19.20.1`) and the older 13-character form of QCVN 102:2016/BTTTT
//! (`NNN.NN.NN.Xnn`, read right to left: `000.00.00.H49` is UBND Quảng Ninh). Both appear in
//! live data; `../shared/domain.md` §(c) 51–52.

/// Longest electronic identifier (QĐ 20/2020).
pub const MAX_LEN: usize = 35;

/// Which standard an identifier follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// QĐ 20/2020: level-1 code first (`H19.20.1`).
    Electronic,
    /// QCVN 102:2016: fixed 13 characters, level-1 code last (`000.00.00.H49`).
    Legacy,
}

/// A checked agency identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyId {
    text: String,
    form: Form,
}

/// Why a text is not an agency identifier, in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidAgencyId(pub String);

impl std::fmt::Display for InvalidAgencyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_group(group: &str) -> bool {
    !group.is_empty()
        && group
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// `NNN.NN.NN.Xnn`: three groups of 3, 2, 2 characters and a level-1 code of a letter and two
/// digits.
fn is_legacy(text: &str) -> bool {
    let groups: Vec<&str> = text.split('.').collect();
    text.len() == 13
        && groups.len() == 4
        && groups.iter().map(|g| g.len()).eq([3, 2, 2, 3])
        && groups.iter().all(|g| is_group(g))
        && groups[3].as_bytes()[0].is_ascii_uppercase()
        && groups[3][1..].bytes().all(|b| b.is_ascii_digit())
}

impl AgencyId {
    /// Checks `text` (already trimmed) against both forms.
    pub fn parse(text: &str) -> Result<Self, InvalidAgencyId> {
        if text.is_empty() {
            return Err(InvalidAgencyId("the identifier is empty".into()));
        }
        if text.len() > MAX_LEN {
            return Err(InvalidAgencyId(format!(
                "{text:?} is {} characters long; an agency identifier has at most {MAX_LEN}",
                text.len()
            )));
        }
        if !text.split('.').all(is_group) {
            return Err(InvalidAgencyId(format!(
                "{text:?} is not groups of digits and capital letters joined by dots (e.g. H19.20.1)"
            )));
        }
        let form = if is_legacy(text) {
            Form::Legacy
        } else {
            Form::Electronic
        };
        Ok(Self {
            text: text.to_owned(),
            form,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn form(&self) -> Form {
        self.form
    }

    /// The level-1 code (the province's or ministry's: `H19`, `G18`).
    pub fn level1(&self) -> &str {
        match self.form {
            Form::Electronic => self.text.split('.').next().unwrap_or_default(),
            Form::Legacy => self.text.rsplit('.').next().unwrap_or_default(),
        }
    }

    /// The identifier of the agency above, as the form develops it (`H19.20` for `H19.20.1`);
    /// none for a level-1 code or the legacy form (whose parent is not spelled in its code).
    pub fn parent(&self) -> Option<&str> {
        match self.form {
            Form::Electronic => self.text.rsplit_once('.').map(|(head, _)| head),
            Form::Legacy => None,
        }
    }

    /// The level: the number of groups (1 for `H19`).
    pub fn level(&self) -> usize {
        match self.form {
            Form::Electronic => self.text.split('.').count(),
            // `000.00.00.H49` is level 1; each non-zero group from the right adds a level.
            Form::Legacy => {
                1 + self
                    .text
                    .split('.')
                    .take(3)
                    .filter(|g| g.bytes().any(|b| b != b'0'))
                    .count()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn electronic_and_legacy_forms() {
        let id = AgencyId::parse("H19.20.1").expect("valid");
        assert_eq!(id.form(), Form::Electronic);
        assert_eq!(
            (id.level1(), id.parent(), id.level()),
            ("H19", Some("H19.20"), 3)
        );
        assert_eq!(AgencyId::parse("H19").expect("valid").parent(), None);
        let legacy = AgencyId::parse("000.00.00.H49").expect("valid");
        assert_eq!(legacy.form(), Form::Legacy);
        assert_eq!((legacy.level1(), legacy.level()), ("H49", 1));
        assert_eq!(AgencyId::parse("G01.01.00.H49").expect("valid").level(), 3);
        for bad in [
            "",
            "h19",
            "H19..1",
            ".H19",
            "H19.",
            "H19 20",
            "H19-20",
            &"A".repeat(36),
        ] {
            assert!(AgencyId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(AgencyId::parse(&format!("H19.{}", "1".repeat(31))).is_ok());
    }
}
