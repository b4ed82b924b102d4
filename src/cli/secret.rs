//! `slipway secret ...`: werf-compatible secret keys, values and files.
//!
//! The key comes from `$SLIPWAY_SECRET_KEY`, `$WERF_SECRET_KEY`, `<dir>/.werf_secret_key` or
//! `~/.werf/global_secret_key`; new ciphertexts use `--cipher` (`$SLIPWAY_SECRET_CIPHER`),
//! werf's AES-CBC by default.

use std::fs;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use slipway_secrets::Zeroizing;
use slipway_secrets::{Cipher, SecretKey, yaml_text};

/// The `slipway secret` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print a new random secret key (32 hex characters).
    #[command(alias = "generate-secret-key")]
    GenerateKey,
    /// Encrypt FILE or stdin (trimmed) into one ciphertext line.
    Encrypt(StreamArgs),
    /// Decrypt a ciphertext from FILE or stdin and write exactly the plaintext.
    Decrypt(StreamArgs),
    /// Encrypt, decrypt or edit a whole secret file (`.helm/secret/**`).
    #[command(subcommand)]
    File(FileAction),
    /// Encrypt, decrypt or edit a secret values file (every leaf; keys stay plain).
    #[command(subcommand, alias = "values-file")]
    Values(FileAction),
    /// Re-encrypt `.helm/secret-values.yaml`, `.helm/secret/**` and the given values files from
    /// the old key (`$SLIPWAY_OLD_SECRET_KEY` / `$WERF_OLD_SECRET_KEY`) to the current key.
    #[command(alias = "rotate-secret-key")]
    RotateKey(RotateArgs),
}

/// What to do with a secret file or values file.
#[derive(Debug, clap::Subcommand)]
pub enum FileAction {
    /// Encrypt FILE.
    Encrypt(FileArgs),
    /// Decrypt FILE.
    Decrypt(FileArgs),
    /// Decrypt FILE into a temporary file, open `$EDITOR` on it, and encrypt the result back.
    Edit(EditArgs),
}

/// Options shared by every command that needs the key.
#[derive(Debug, clap::Args)]
pub struct KeyOptions {
    /// Project directory, where `.werf_secret_key` and `.helm/` are looked for.
    #[arg(long, env = "SLIPWAY_DIR", default_value = ".")]
    dir: PathBuf,
    /// Format of new ciphertexts: `aes-cbc` (werf-compatible) or `aes-gcm` (authenticated).
    #[arg(long, env = "SLIPWAY_SECRET_CIPHER", default_value = "aes-cbc")]
    cipher: Cipher,
}

/// Arguments of `encrypt` / `decrypt`.
#[derive(Debug, clap::Args)]
pub struct StreamArgs {
    /// Input file; stdin when omitted.
    file: Option<PathBuf>,
    /// Write the result to this file instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    key: KeyOptions,
}

/// Arguments of `file|values encrypt|decrypt`.
#[derive(Debug, clap::Args)]
pub struct FileArgs {
    /// The file to read.
    file: PathBuf,
    /// Write the result to this file instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    key: KeyOptions,
}

/// Arguments of `file|values edit`.
#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// The file to edit (created if missing).
    file: PathBuf,
    #[command(flatten)]
    key: KeyOptions,
}

/// Arguments of `rotate-key`.
#[derive(Debug, clap::Args)]
pub struct RotateArgs {
    /// Extra secret values files to re-encrypt.
    files: Vec<PathBuf>,
    /// Chart directory, relative to `--dir`.
    #[arg(long, default_value = ".helm")]
    chart: PathBuf,
    #[command(flatten)]
    key: KeyOptions,
}

/// Whether the file is a values file (leaves encrypted) or a whole secret file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Values,
}

/// Runs a `slipway secret` subcommand.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::GenerateKey => {
            let key = SecretKey::generate()?;
            println!("{}", key.to_hex().as_str());
        }
        Command::Encrypt(args) => encrypt_stream(&args)?,
        Command::Decrypt(args) => decrypt_stream(&args)?,
        Command::File(action) => file_action(Kind::File, action)?,
        Command::Values(action) => file_action(Kind::Values, action)?,
        Command::RotateKey(args) => rotate(&args)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn current_key(options: &KeyOptions) -> anyhow::Result<SecretKey> {
    Ok(SecretKey::resolve(
        &env_var,
        &options.dir,
        std::env::home_dir().as_deref(),
    )?)
}

/// FILE, or stdin when it is piped (werf refuses a terminal).
fn read_input(file: Option<&Path>) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    let mut data = Zeroizing::new(Vec::new());
    match file {
        Some(path) => {
            *data = fs::read(path).with_context(|| format!("read {}", path.display()))?;
        }
        None => {
            let mut stdin = std::io::stdin();
            if stdin.is_terminal() {
                bail!("expected FILE_PATH or pipe");
            }
            stdin.read_to_end(&mut data).context("read stdin")?;
        }
    }
    Ok(data)
}

/// Writes `data` to `output`, or to stdout (adding a newline only for a terminal when `newline`
/// is `IfTerminal`).
fn write_output(output: Option<&Path>, data: &[u8], terminal_newline: bool) -> anyhow::Result<()> {
    match output {
        Some(path) => write_file(path, data),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(data)?;
            if terminal_newline && stdout.is_terminal() {
                stdout.write_all(b"\n")?;
            }
            stdout.flush()?;
            Ok(())
        }
    }
}

/// Writes a file (creating parent directories) through a temporary file and a rename, so a
/// failure never leaves it half-written.
fn write_file(path: &Path, data: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).with_context(|| format!("create {}", parent.display()))?;
    }
    let tmp = path.with_file_name(format!(
        ".{}.slipway-tmp",
        path.file_name()
            .map_or("out".into(), |n| n.to_string_lossy())
    ));
    fs::write(&tmp, data).with_context(|| format!("write {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("write {}", path.display()))
}

fn with_newline(mut text: String) -> String {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn encrypt_stream(args: &StreamArgs) -> anyhow::Result<()> {
    let key = current_key(&args.key)?;
    let data = read_input(args.file.as_deref())?;
    let sealed = slipway_secrets::encrypt(&key, data.trim_ascii(), args.key.cipher)?;
    write_output(
        args.output.as_deref(),
        with_newline(sealed).as_bytes(),
        false,
    )
}

fn decrypt_stream(args: &StreamArgs) -> anyhow::Result<()> {
    let key = current_key(&args.key)?;
    let data = read_input(args.file.as_deref())?;
    let name = args
        .file
        .as_ref()
        .map_or("<stdin>".into(), |p| p.display().to_string());
    let plain = slipway_secrets::decrypt_file(&data, &key, &name)?;
    write_output(args.output.as_deref(), &plain, true)
}

fn read_text(path: &Path) -> anyhow::Result<Zeroizing<String>> {
    let data = fs::read(path).with_context(|| format!("read {}", path.display()))?;
    String::from_utf8(data)
        .map(Zeroizing::new)
        .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", path.display()))
}

/// Encrypts a plaintext of the given kind (a values file's text, or a whole file).
fn encrypt_content(
    kind: Kind,
    plain: &[u8],
    key: &SecretKey,
    cipher: Cipher,
    name: &str,
) -> anyhow::Result<String> {
    Ok(match kind {
        Kind::File => with_newline(slipway_secrets::encrypt(key, plain, cipher)?),
        Kind::Values => {
            let text = std::str::from_utf8(plain).context("the values file is not UTF-8")?;
            with_newline(yaml_text::encrypt_values_text(
                text.trim(),
                key,
                cipher,
                name,
            )?)
        }
    })
}

/// Decrypts an encrypted file of the given kind.
fn decrypt_content(
    kind: Kind,
    sealed: &str,
    key: &SecretKey,
    name: &str,
) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    Ok(match kind {
        Kind::File => slipway_secrets::decrypt_file(sealed.as_bytes(), key, name)?,
        Kind::Values => {
            let text = yaml_text::decrypt_values_text(sealed.trim(), key, name)?;
            let mut bytes = Zeroizing::new(text.as_bytes().to_vec());
            if !bytes.is_empty() && !bytes.ends_with(b"\n") {
                bytes.push(b'\n');
            }
            bytes
        }
    })
}

fn file_action(kind: Kind, action: FileAction) -> anyhow::Result<()> {
    match action {
        FileAction::Encrypt(args) => {
            let key = current_key(&args.key)?;
            let plain = read_input(Some(&args.file))?;
            let name = args.file.display().to_string();
            let sealed = encrypt_content(kind, &plain, &key, args.key.cipher, &name)?;
            write_output(args.output.as_deref(), sealed.as_bytes(), false)
        }
        FileAction::Decrypt(args) => {
            let key = current_key(&args.key)?;
            let sealed = read_text(&args.file)?;
            let name = args.file.display().to_string();
            let plain = decrypt_content(kind, &sealed, &key, &name)?;
            write_output(args.output.as_deref(), &plain, kind == Kind::File)
        }
        FileAction::Edit(args) => edit(kind, &args),
    }
}

fn edit(kind: Kind, args: &EditArgs) -> anyhow::Result<()> {
    let key = current_key(&args.key)?;
    let name = args.file.display().to_string();
    let previous = if args.file.exists() {
        read_text(&args.file)?
    } else {
        Zeroizing::new(String::new())
    };
    let plain = if previous.trim().is_empty() {
        Zeroizing::new(Vec::new())
    } else {
        decrypt_content(kind, &previous, &key, &name)?
    };
    let suffix = if kind == Kind::Values { ".yaml" } else { "" };
    let scratch = ScratchFile::create(suffix, &plain)?;
    loop {
        run_editor(&scratch.path)?;
        let edited = Zeroizing::new(
            fs::read(&scratch.path).with_context(|| format!("read {}", scratch.path.display()))?,
        );
        if *edited == *plain {
            return Ok(());
        }
        let result = match kind {
            Kind::File => encrypt_content(kind, &edited, &key, args.key.cipher, &name),
            Kind::Values => std::str::from_utf8(&edited)
                .context("the edited file is not UTF-8")
                .and_then(|text| {
                    Ok(with_newline(yaml_text::reencrypt_edited(
                        text.trim(),
                        previous.trim(),
                        &key,
                        args.key.cipher,
                        &name,
                    )?))
                }),
        };
        match result {
            Ok(sealed) => return write_file(&args.file, sealed.as_bytes()),
            Err(err) if ask_to_continue(&err)? => continue,
            Err(err) => return Err(err),
        }
    }
}

/// After a failed encryption in `edit`, asks on a terminal whether to edit again.
fn ask_to_continue(err: &anyhow::Error) -> anyhow::Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Ok(false);
    }
    eprintln!("Error: {err:#}");
    eprint!("Do you want to continue editing the file (Y/n)? ");
    let mut answer = String::new();
    stdin.read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "" | "y" | "Y"))
}

/// A private temporary file holding decrypted data, removed (after overwriting) on drop.
struct ScratchFile {
    path: PathBuf,
}

impl ScratchFile {
    fn create(suffix: &str, data: &[u8]) -> anyhow::Result<ScratchFile> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "slipway-edit-secret-{}-{nanos}{suffix}",
            std::process::id()
        ));
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options
            .open(&path)
            .with_context(|| format!("create {}", path.display()))?;
        file.write_all(data)?;
        Ok(ScratchFile { path })
    }
}

impl Drop for ScratchFile {
    fn drop(&mut self) {
        if let Ok(meta) = fs::metadata(&self.path) {
            let _ = fs::write(&self.path, vec![0u8; meta.len() as usize]);
        }
        let _ = fs::remove_file(&self.path);
    }
}

/// Runs `$EDITOR` (split on whitespace), else the first of vim, vi, nano found, on `path`.
fn run_editor(path: &Path) -> anyhow::Result<()> {
    let editor: Vec<String> = match env_var("EDITOR").filter(|e| !e.trim().is_empty()) {
        Some(editor) => editor.split_whitespace().map(str::to_owned).collect(),
        None => {
            let found = ["vim", "vi", "nano"]
                .into_iter()
                .find(|name| find_in_path(name).is_some())
                .context("no editor found: set $EDITOR")?;
            vec![found.to_owned()]
        }
    };
    let status = std::process::Command::new(&editor[0])
        .args(&editor[1..])
        .arg(path)
        .status()
        .with_context(|| format!("run editor {:?}", editor[0]))?;
    if !status.success() {
        bail!("editor {:?} failed: {status}", editor[0]);
    }
    Ok(())
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Every regular file under `dir`, recursively, sorted.
fn files_under(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in
            fs::read_dir(&current).with_context(|| format!("read {}", current.display()))?
        {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    Ok(out)
}

fn rotate(args: &RotateArgs) -> anyhow::Result<()> {
    let new_key = current_key(&args.key)?;
    let old_key = SecretKey::resolve_old(&env_var)?;
    let chart = args.key.dir.join(&args.chart);
    let mut targets: Vec<(PathBuf, Kind)> = Vec::new();
    let default_values = chart.join("secret-values.yaml");
    if default_values.is_file() {
        targets.push((default_values, Kind::Values));
    }
    targets.extend(
        files_under(&chart.join("secret"))?
            .into_iter()
            .map(|path| (path, Kind::File)),
    );
    targets.extend(args.files.iter().map(|path| (path.clone(), Kind::Values)));

    // Re-encrypt everything first, so that one bad file leaves every file untouched.
    let mut rewritten = Vec::with_capacity(targets.len());
    for (path, kind) in targets {
        eprintln!("Regenerating file {:?}", path.display().to_string());
        let name = path.display().to_string();
        let sealed = read_text(&path)?;
        let data = match kind {
            Kind::Values => with_newline(yaml_text::rotate_values_text(
                sealed.trim(),
                &old_key,
                &new_key,
                args.key.cipher,
                &name,
            )?),
            Kind::File => {
                let plain = slipway_secrets::decrypt_file(sealed.as_bytes(), &old_key, &name)?;
                encrypt_content(Kind::File, &plain, &new_key, args.key.cipher, &name)?
            }
        };
        rewritten.push((path, data));
    }
    for (path, data) in rewritten {
        eprintln!("Saving file {:?}", path.display().to_string());
        write_file(&path, data.as_bytes())?;
    }
    Ok(())
}
