/**
 * Open-source software that embedded firmware bundles, with the dates their versions
 * came out, so a device shows the versions its firmware build could really contain
 * (a 2013 camera runs dropbear 2012.55, not 2024.85).
 */

/** [first day the version existed, version] in ascending order. */
type VersionTimeline = ReadonlyArray<readonly [string, string]>;

const dropbear: VersionTimeline = [
  ['2008-11-01', '0.52'],
  ['2011-11-08', '2011.54'],
  ['2012-02-23', '2012.55'],
  ['2013-04-18', '2013.58'],
  ['2013-10-04', '2013.60'],
  ['2014-02-19', '2014.63'],
  ['2014-10-23', '2014.66'],
  ['2015-01-28', '2015.67'],
  ['2015-12-03', '2015.71'],
  ['2016-07-21', '2016.74'],
  ['2017-05-18', '2017.75'],
  ['2018-02-27', '2018.76'],
  ['2019-03-27', '2019.78'],
  ['2020-10-29', '2020.81'],
  ['2022-04-01', '2022.82'],
  ['2022-11-14', '2022.83'],
  ['2024-04-04', '2024.85'],
];

const openssh: VersionTimeline = [
  ['2010-03-08', '5.4'],
  ['2011-02-04', '5.8'],
  ['2012-04-22', '6.0'],
  ['2014-03-14', '6.6'],
  ['2016-02-29', '7.2'],
  ['2016-12-19', '7.4'],
  ['2017-10-03', '7.6'],
  ['2018-10-19', '7.9'],
  ['2020-02-14', '8.2'],
  ['2020-09-27', '8.4'],
  ['2022-02-24', '8.9'],
  ['2023-03-15', '9.3'],
  ['2023-12-18', '9.6'],
  ['2024-09-20', '9.9'],
];

const busybox: VersionTimeline = [
  ['2008-09-28', '1.12.1'],
  ['2010-04-02', '1.16.1'],
  ['2012-02-04', '1.19.4'],
  ['2012-06-30', '1.20.2'],
  ['2014-01-20', '1.22.1'],
  ['2015-10-24', '1.24.1'],
  ['2016-10-07', '1.25.1'],
  ['2017-09-18', '1.27.2'],
  ['2018-10-30', '1.29.3'],
  ['2019-10-25', '1.31.1'],
  ['2021-05-03', '1.33.1'],
  ['2021-12-26', '1.35.0'],
  ['2023-05-18', '1.36.1'],
];

const lighttpd: VersionTimeline = [
  ['2010-08-13', '1.4.28'],
  ['2012-05-31', '1.4.31'],
  ['2014-03-12', '1.4.35'],
  ['2016-01-02', '1.4.39'],
  ['2017-01-14', '1.4.45'],
  ['2018-03-11', '1.4.49'],
  ['2020-02-01', '1.4.55'],
  ['2022-01-19', '1.4.64'],
  ['2023-10-27', '1.4.73'],
  ['2024-04-12', '1.4.76'],
];

const proftpd: VersionTimeline = [
  ['2010-02-24', '1.3.3'],
  ['2012-02-20', '1.3.4a'],
  ['2014-05-15', '1.3.5'],
  ['2017-04-16', '1.3.5e'],
  ['2018-04-10', '1.3.6'],
  ['2020-07-23', '1.3.7a'],
  ['2022-12-30', '1.3.8'],
];

const vsftpd: VersionTimeline = [
  ['2008-02-13', '2.0.6'],
  ['2011-07-03', '2.3.4'],
  ['2012-09-18', '3.0.2'],
  ['2015-07-22', '3.0.3'],
];

/** The newest version released on or before `date` (the oldest known one for earlier dates). */
function versionAt(timeline: VersionTimeline, date: string): string {
  let chosen = timeline[0]![1];
  for (const [released, version] of timeline) if (released <= date) chosen = version;
  return chosen;
}

/** @example dropbearAt('2015-06-01') // 'dropbear_2015.67' */
export const dropbearAt = (date: string): string => `dropbear_${versionAt(dropbear, date)}`;
/** @example openSshAt('2017-01-10') // 'OpenSSH_7.4' */
export const openSshAt = (date: string): string => `OpenSSH_${versionAt(openssh, date)}`;
/** @example busyboxAt('2013-03-01') // '1.20.2' */
export const busyboxAt = (date: string): string => versionAt(busybox, date);
/** @example lighttpdAt('2019-01-01') // 'lighttpd/1.4.49' */
export const lighttpdAt = (date: string): string => `lighttpd/${versionAt(lighttpd, date)}`;
/** @example proftpdAt('2019-01-01') // '1.3.6' */
export const proftpdAt = (date: string): string => versionAt(proftpd, date);
/** @example vsftpdAt('2016-01-01') // '3.0.3' */
export const vsftpdAt = (date: string): string => versionAt(vsftpd, date);
