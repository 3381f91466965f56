//! Finds the files of each array argument (a file, a directory, or with `--recursive` a tree of
//! array directories), reads each once within the size bound, decodes it, parses it with the
//! format's parser and merges everything into one `Array`. It knows no rules and renders nothing.

use super::{InputError, decode, reg, settings, xml};
use crate::model::{Array, Comment, Covers, FileId, Loc, Setting, SettingOrigin, SettingValue};
use crate::source::{SourceFile, Span};
use semver::Version;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// `--seg-version`: wins over the export's productVersion.
    pub seg_version: Option<Version>,
    /// `--seg-version-from`: the version when the export has none.
    pub fallback_version: Option<Version>,
    pub max_input_size: u64,
}

/// One array to check: the argument as given and the files that make it up.
#[derive(Debug, Clone)]
pub struct ArraySpec {
    pub source: String,
    pub path: PathBuf,
    /// Named with `--recursive`: a directory without an export was searched below, too.
    pub recursive: bool,
}

impl ArraySpec {
    /// One array argument as given.
    pub fn new(path: &Path) -> ArraySpec {
        ArraySpec { source: path.display().to_string(), path: path.to_path_buf(), recursive: false }
    }
}

/// The arrays named by the arguments. Errors here (a missing path) are reported per array.
/// With `recursive`, each directory below a directory argument that holds an SEG export is an
/// array; hidden and git-ignored paths are skipped unless `no_ignore`.
pub fn discover(args: &[PathBuf], recursive: bool, no_ignore: bool) -> Vec<ArraySpec> {
    let mut out = Vec::new();
    for arg in args {
        let source = arg.display().to_string();
        if recursive && arg.is_dir() {
            let dirs = walk(arg, no_ignore);
            if dirs.is_empty() {
                // Reported as "no XML export" when loaded.
                out.push(ArraySpec { source, path: arg.clone(), recursive: true });
            }
            for d in dirs {
                out.push(ArraySpec { source: d.display().to_string(), path: d, recursive: true });
            }
        } else {
            out.push(ArraySpec { source, path: arg.clone(), recursive: false });
        }
    }
    out
}

/// The directories at or below `dir` that hold an SEG export, in path order. The `ignore`
/// crate walks, on every core: `.gitignore`, `.ignore` and hidden paths are respected unless
/// `no_ignore`. The XML files it finds are then told apart (export or not) in parallel too.
fn walk(dir: &Path, no_ignore: bool) -> Vec<PathBuf> {
    let found = std::sync::Mutex::new(Vec::new());
    ignore::WalkBuilder::new(dir)
        .standard_filters(!no_ignore)
        .require_git(false)
        .follow_links(false)
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                if let Ok(e) = entry
                    && e.file_type().is_some_and(|t| t.is_file())
                    && has_ext(e.path(), "xml")
                {
                    found.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(e.into_path());
                }
                ignore::WalkState::Continue
            })
        });
    let mut xmls = found.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    // Path order is the order of a walk that visits each directory's entries sorted by name.
    xmls.sort();
    let exports = crate::parallel::map(&xmls, |p| is_export(p));
    // Each directory once, where its first export is (`d/a.xml`, `d/sub/x.xml`, `d/z.xml`
    // are `d` and `d/sub`: a directory's exports need not be next to each other in path order).
    let mut seen = std::collections::HashSet::new();
    xmls.iter()
        .zip(exports)
        .filter(|(_, export)| *export)
        .filter_map(|(p, _)| p.parent())
        .filter(|d| seen.insert(*d))
        .map(Path::to_path_buf)
        .collect()
}

/// Whether an XML file's root element is `SegConfiguration` (read from its first 64 KiB), so a
/// `docs/network.xml` or `.idea/workspace.xml` is not taken for an export.
fn is_export(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = Vec::new();
    let Ok(file) = std::fs::File::open(path) else { return false };
    if file.take(64 * 1024).read_to_end(&mut head).is_err() {
        return false;
    }
    let text = match head.as_slice() {
        [0xFF, 0xFE, rest @ ..] => String::from_utf16_lossy(
            &rest.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect::<Vec<_>>(),
        ),
        [0xFE, 0xFF, rest @ ..] => String::from_utf16_lossy(
            &rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect::<Vec<_>>(),
        ),
        bytes => String::from_utf8_lossy(bytes).into_owned(),
    };
    let mut reader = quick_xml::Reader::from_str(text.trim_start_matches('\u{feff}'));
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                return e.name().as_ref() == "SegConfiguration";
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
}

fn has_ext(p: &Path, ext: &str) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// Reads at most `max` bytes from `r`; more is an error, not a truncation.
pub fn read_bounded(r: impl std::io::Read, display: &str, max: u64) -> Result<Vec<u8>, InputError> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    r.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::new(format!("{display}: cannot read it: {e}")))?;
    if bytes.len() as u64 > max {
        return Err(InputError::new(format!("{display}: more than the limit of {max} bytes"))
            .help("raise the limit with --max-input-size BYTES"));
    }
    Ok(bytes)
}

/// Reads a regular file within the size bound: a device or FIFO is refused, never read from.
pub fn read_file_bounded(path: &Path, display: &str, max: u64) -> Result<Vec<u8>, InputError> {
    crate::source::read_regular_file(path, max).map_err(|e| {
        let help = match e.kind() {
            std::io::ErrorKind::InvalidInput => "name a file, or `-` for standard input",
            std::io::ErrorKind::InvalidData => {
                "raise the limit with --max-input-size BYTES if the file is really an export"
            }
            _ => "check the path and that you may read it",
        };
        InputError::new(format!("{display}: cannot read it: {e}")).help(help)
    })
}

/// Reads and decodes one file within the size bound.
fn read(path: &Path, display: &str, max: u64) -> Result<SourceFile, InputError> {
    let bytes = read_file_bounded(path, display, max)?;
    let text = decode::decode_owned(bytes).map_err(|e| {
        undecodable(display, e).help("save the file as UTF-8, or UTF-16 with a byte-order mark (as regedit writes it)")
    })?;
    Ok(SourceFile::new(path, display, text))
}

/// A file that does not decode, placed at its first bad byte (the text before it decoded).
fn undecodable(display: &str, e: decode::DecodeError) -> InputError {
    let at = Span::new(e.before.len(), 0);
    InputError::in_file(display, &e.before, Some(at), e.message).label("the text cannot be read from here")
}

/// Loads one array: its XML export and, for a directory, its `.reg` and `.settings` files.
/// The files of one array: its XML export, and for a directory its `.reg` and `.settings` files.
fn files_of(spec: &ArraySpec) -> Result<(PathBuf, Vec<PathBuf>), InputError> {
    let path = &spec.path;
    if !path.is_dir() {
        if path.exists() {
            return Ok((path.clone(), Vec::new()));
        }
        return Err(InputError::new(format!("{}: no such file or directory", spec.source))
            .help("name an XML export or a directory that holds one"));
    }
    let entries = std::fs::read_dir(path)
        .map_err(|e| InputError::new(format!("{}: cannot read the directory: {e}", spec.source)))?;
    // Everything but directories: a dangling link or an unreadable file of the array is an
    // input error when read, not a file silently left out of the check. The listing tells the
    // kind of each entry; only a link is followed (a stat) to see what it names.
    let is_dir = |e: &std::fs::DirEntry| match e.file_type() {
        Ok(t) if !t.is_symlink() => t.is_dir(),
        _ => e.path().is_dir(),
    };
    let mut files: Vec<PathBuf> = entries.filter_map(Result::ok).filter(|e| !is_dir(e)).map(|e| e.path()).collect();
    files.sort();
    let xmls: Vec<&PathBuf> = files.iter().filter(|p| has_ext(p, "xml")).collect();
    let one = "an array directory holds exactly one *.xml export plus any *.reg and *.settings files";
    let xml = match xmls.as_slice() {
        [one] => (*one).clone(),
        // Regression: with -r given, the help still said "use --recursive".
        [] if spec.recursive => {
            let message =
                format!("{}: no array here: no *.xml export in this directory or any directory below it", spec.source);
            return Err(
                InputError::new(message).help(format!("{one}; check that the path is the folder of your exports"))
            );
        }
        [] => {
            let message = format!("{}: no XML export in this directory", spec.source);
            return Err(InputError::new(message).help(format!("{one}; use --recursive to search subdirectories")));
        }
        many => {
            let names: Vec<String> = many.iter().map(|p| file_name(p)).collect();
            let message =
                format!("{}: {} XML exports in one directory ({})", spec.source, many.len(), names.join(", "));
            return Err(InputError::new(message)
                .help("an array directory holds exactly one *.xml export; put each array in its own directory"));
        }
    };
    let mut extra: Vec<PathBuf> = files.iter().filter(|p| has_ext(p, "reg")).cloned().collect();
    extra.extend(files.iter().filter(|p| has_ext(p, "settings")).cloned());
    Ok((xml, extra))
}

/// The product version: `--seg-version`, else the export's, which must parse, else
/// `--seg-version-from`'s.
fn version_of(
    opts: &LoadOptions,
    file: &SourceFile,
    stated: Option<&crate::model::At<String>>,
) -> Result<Version, InputError> {
    match (&opts.seg_version, stated, &opts.fallback_version) {
        (Some(v), _, _) | (None, None, Some(v)) => Ok(v.clone()),
        (None, Some(at), _) => crate::version::parse(&at.value).map_err(|e| {
            let message = format!("`{}` is not a product version: {e}", crate::source::quoted(&at.value));
            InputError::in_file(&file.display, &file.text, Some(at.loc.span), message)
                .help(crate::version::ACCEPTED_FORMS)
        }),
        (None, None, None) => {
            let root = file.text.find("<SegConfiguration").map_or(Span::new(0, 0), |i| Span::new(i + 1, 16));
            Err(InputError::in_file(&file.display, &file.text, Some(root), "the export has no productVersion")
                .help("add productVersion=\"8.2.1\" to <SegConfiguration>, or give the version with --seg-version"))
        }
    }
}

/// `-`: an XML export read from standard input (within the size bound; UTF-8 or UTF-16).
fn load_stdin(opts: &LoadOptions) -> Result<Array, InputError> {
    let bytes = read_bounded(std::io::stdin().lock(), "standard input", opts.max_input_size)?;
    let text = decode::decode_owned(bytes).map_err(|e| {
        undecodable("standard input", e).help("give the export as UTF-8, or UTF-16 with a byte-order mark")
    })?;
    load_text("-", &text, opts)
}

/// An array from an XML export held in memory (certificate files relative to the current
/// directory); for tests and callers that have the text already.
pub fn load_text(source: &str, text: &str, opts: &LoadOptions) -> Result<Array, InputError> {
    let file = SourceFile::new(source, source, text.to_string());
    let x = xml::parse(&file.text, 0, &file.display, Path::new("."))?;
    array_of(source, file, x, opts)
}

/// The array an XML export states, before any `.reg` or `.settings` file is merged.
fn array_of(source: &str, file: SourceFile, x: xml::XmlExport, opts: &LoadOptions) -> Result<Array, InputError> {
    let version = version_of(opts, &file, x.version.as_ref())?;
    Ok(Array {
        source: source.to_string(),
        name: x.array_name,
        version_loc: if opts.seg_version.is_some() { None } else { x.version.map(|v| v.loc) },
        version,
        outbound: x.outbound,
        servers: x.servers,
        settings: x.settings,
        unknown: x.unknown,
        comments: x.comments,
        files: vec![file],
        server_index: Default::default(),
    })
}

/// Loads one array: its XML export and, for a directory, its `.reg` and `.settings` files.
pub fn load(spec: &ArraySpec, opts: &LoadOptions) -> Result<Array, InputError> {
    if spec.path == Path::new("-") {
        return load_stdin(opts);
    }
    let (xml_path, extra) = files_of(spec)?;
    let display_of = |p: &Path| {
        if p == spec.path {
            spec.source.clone()
        } else {
            Path::new(&spec.source).join(file_name(p)).display().to_string()
        }
    };
    let xml_file = read(&xml_path, &display_of(&xml_path), opts.max_input_size)?;
    let base = xml_path.parent().map(Path::to_path_buf).unwrap_or_default();
    let x = xml::parse(&xml_file.text, 0, &xml_file.display, &base)?;
    let mut array = array_of(&spec.source, xml_file, x, opts)?;
    for p in extra {
        let file = read(&p, &display_of(&p), opts.max_input_size)?;
        let id = array.files.len();
        let bad = |e: &dyn miette::Diagnostic| InputError::from_diagnostic(&file.display, &file.text, e);
        if has_ext(&p, "reg") {
            merge_reg(&mut array, id, reg::parse(&file.text).map_err(|e| bad(&e))?);
        } else {
            merge_settings(&mut array, id, settings::parse(&file.text).map_err(|e| bad(&e))?);
        }
        array.files.push(file);
    }
    Ok(array)
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn loc(file: FileId, span: Span) -> Loc {
    Loc { file, span }
}

/// The array with one more `.reg` or `.settings` text merged, as if imported on the Array
/// Manager: what it sets replaces the earlier values of the same names (a fix's self-check).
pub fn with_file(array: &Array, display: &str, text: &str) -> Result<Array, InputError> {
    let mut a = array.clone();
    let id = a.files.len();
    let bad = |e: &dyn miette::Diagnostic| InputError::from_diagnostic(display, text, e);
    if display.to_ascii_lowercase().ends_with(".reg") {
        merge_reg(&mut a, id, reg::parse(text).map_err(|e| bad(&e))?);
    } else {
        merge_settings(&mut a, id, settings::parse(text).map_err(|e| bad(&e))?);
    }
    let key = |s: &Setting| match &s.origin {
        SettingOrigin::Registry { key } => format!("{}\\{}", key, s.name).to_ascii_lowercase(),
        SettingOrigin::Advanced => s.name.to_ascii_lowercase(),
    };
    let set: std::collections::HashSet<String> = a.settings.iter().filter(|s| s.loc.file == id).map(key).collect();
    a.settings.retain(|s| s.loc.file == id || !set.contains(&key(s)));
    a.files.push(SourceFile::new(display, display, text.to_string()));
    Ok(a)
}

/// Applies a `.reg` file in order: values add, `-` deletes a value, `[-KEY]` deletes a key tree.
/// In one pass: each deletion records its step, each setting the step that made it, and a
/// setting is kept unless a deletion of its value or of a key above it came later.
fn merge_reg(array: &mut Array, file: FileId, parsed: reg::RegFile) {
    merge_comments(array, file, parsed.comments);
    let mut made: Vec<usize> = vec![0; array.settings.len()];
    let mut trees: HashMap<String, usize> = HashMap::new();
    let mut values: HashMap<(String, String), usize> = HashMap::new();
    let mut step = 0;
    for key in parsed.keys {
        step += 1;
        if key.delete {
            trees.insert(key.path.to_ascii_lowercase(), step);
            continue;
        }
        for v in key.values {
            step += 1;
            let value = match v.data {
                reg::RegData::Delete => {
                    values.insert((key.path.to_ascii_lowercase(), v.name.to_ascii_lowercase()), step);
                    continue;
                }
                reg::RegData::Dword(n) => SettingValue::Dword(n),
                reg::RegData::Qword(n) => SettingValue::Qword(n),
                reg::RegData::Sz(s) | reg::RegData::ExpandSz(s) => SettingValue::Str(s),
                reg::RegData::MultiSz(v) => SettingValue::MultiStr(v),
                reg::RegData::Binary { bytes, .. } => SettingValue::Binary(bytes),
            };
            array.settings.push(Setting {
                origin: SettingOrigin::Registry { key: key.path.clone() },
                name: v.name,
                value,
                loc: loc(file, v.span),
                name_loc: loc(file, v.name_span),
                value_loc: loc(file, v.data_span),
            });
            made.push(step);
        }
    }
    if trees.is_empty() && values.is_empty() {
        return;
    }
    let deleted_after = |s: &Setting, at: usize| {
        let SettingOrigin::Registry { key } = &s.origin else { return false };
        let key = key.to_ascii_lowercase();
        let later = |step: Option<&usize>| step.is_some_and(|&d| d > at);
        // The key itself and each key above it (`A\B\C`: `A`, `A\B`, `A\B\C`).
        let above = key.match_indices('\\').map(|(i, _)| &key[..i]).chain(std::iter::once(key.as_str()));
        later(values.get(&(key.clone(), s.name.to_ascii_lowercase()))) || above.into_iter().any(|k| later(trees.get(k)))
    };
    let mut i = 0;
    array.settings.retain(|s| {
        i += 1;
        !deleted_after(s, made[i - 1])
    });
}

fn merge_comments(array: &mut Array, file: FileId, comments: Vec<reg::Comment>) {
    for c in comments {
        let covers = c.covers.map_or(Covers::Nothing, |span| Covers::Bytes(loc(file, span)));
        array.comments.push(Comment { text: c.text, loc: loc(file, c.span), covers });
    }
}

fn merge_settings(array: &mut Array, file: FileId, parsed: settings::SettingsFile) {
    merge_comments(array, file, parsed.comments);
    for e in parsed.entries {
        array.settings.push(Setting {
            origin: SettingOrigin::Advanced,
            name: e.name,
            value: match e.value {
                settings::SettingsValue::Integer(n) => SettingValue::Integer(n),
                settings::SettingsValue::Boolean(b) => SettingValue::Boolean(b),
                settings::SettingsValue::String(s) => SettingValue::Str(s),
            },
            loc: loc(file, e.span),
            name_loc: loc(file, e.name_span),
            value_loc: loc(file, e.value_span),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(reg: &str) -> Vec<String> {
        let opts = LoadOptions { seg_version: None, fallback_version: None, max_input_size: 1 << 20 };
        let mut array = load_text("x.xml", "<SegConfiguration productVersion=\"8.2.1\"/>", &opts).unwrap();
        let text = format!("Windows Registry Editor Version 5.00\r\n\r\n{reg}");
        merge_reg(&mut array, 1, reg::parse(&text).unwrap());
        let key = |s: &Setting| match &s.origin {
            SettingOrigin::Registry { key } => format!("{key}\\{}", s.name),
            SettingOrigin::Advanced => s.name.clone(),
        };
        array.settings.iter().map(key).collect()
    }

    #[test]
    fn deletions_remove_what_came_before_them_only() {
        let reg = "[HKLM\\X]\r\n\"A\"=dword:1\r\n[HKLM\\X\\Sub]\r\n\"B\"=dword:1\r\n[HKLM\\é]\r\n\"C\"=dword:1\r\n\
                   [HKLM\\Xy]\r\n\"D\"=dword:1\r\n[-hklm\\x]\r\n[HKLM\\X]\r\n\"E\"=dword:1\r\n\"c\"=-\r\n\
                   [HKLM\\é]\r\n\"c\"=-\r\n\"C\"=dword:2\r\n";
        // `[-HKLM\X]` takes A and Sub\B (case aside), not `Xy` nor the later E; a multi-byte
        // key beside the cut is no panic (a regression); `"c"=-` removes the earlier C only.
        assert_eq!(names(reg), ["HKLM\\Xy\\D", "HKLM\\X\\E", "HKLM\\é\\C"]);
    }
}
