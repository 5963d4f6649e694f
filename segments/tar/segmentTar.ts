// A segment as Pinot ships it: `<segmentName>.tar.gz` holding the folder `<segmentName>/`. A
// Cuvée segment is one file (segments/FORMAT.md), stored in that folder as SEGMENT_FILE_NAME.
import { join } from 'node:path';
import { listTar, unpackTar } from './tarReader.js';
import { TarFormatError } from './tarHeader.js';
import { writeTarGz } from './tarWriter.js';

/** The segment file's name inside the archive's segment folder. */
export const SEGMENT_FILE_NAME = 'segment.seg';
/** What Pinot calls a segment archive: the segment name plus this suffix. */
export const SEGMENT_TAR_SUFFIX = '.tar.gz';

/** Packs `segmentFile` as `<segmentName>/segment.seg` into `<outDir>/<segmentName>.tar.gz`. */
export async function packSegmentTar(
  segmentFile: string,
  outDir: string,
  segmentName: string,
): Promise<string> {
  const tarFile = join(outDir, `${segmentName}${SEGMENT_TAR_SUFFIX}`);
  await writeTarGz(tarFile, [
    { archivePath: segmentName, directory: true },
    { archivePath: `${segmentName}/${SEGMENT_FILE_NAME}`, filePath: segmentFile },
  ]);
  return tarFile;
}

/**
 * Unpacks a segment archive under `targetDirectory`; returns the segment name and the path of
 * its segment file. An archive with any other content is refused before anything is written.
 */
export async function unpackSegmentTar(
  tarFile: string,
  targetDirectory: string,
): Promise<{ segmentName: string; segmentFile: string }> {
  const entries = await listTar(tarFile);
  const files = entries.filter((entry) => entry.type === 'file');
  const [segmentName, fileName, ...rest] = files[0]?.path.split('/') ?? [];
  const directoriesOk = entries.every(
    (entry) => entry.type === 'file' || entry.path.replace(/\/$/, '') === segmentName,
  );
  if (
    files.length !== 1 ||
    segmentName === undefined ||
    fileName !== SEGMENT_FILE_NAME ||
    rest.length > 0 ||
    !directoriesOk
  ) {
    throw new TarFormatError(
      tarFile,
      `a segment archive holds exactly <segmentName>/${SEGMENT_FILE_NAME}; found ` +
        entries.map((entry) => entry.path).join(', '),
    );
  }
  await unpackTar(tarFile, targetDirectory);
  return { segmentName, segmentFile: join(targetDirectory, segmentName, SEGMENT_FILE_NAME) };
}
