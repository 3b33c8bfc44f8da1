export interface User {
  id: string;
  name: string;
  username: string;
  email: string;
  /** ISO 8601 calendar date. */
  birthDate: string;
  /** ISO 8601 calendar date the account was created. */
  memberSince: string;
}

/** The signed-in user for `Query.me` (the examples have no authentication). */
export const CURRENT_USER_ID = '1';

export const users: readonly User[] = [
  {
    id: '1',
    name: 'Maya Okafor',
    username: 'mokafor',
    email: 'maya.okafor@example.com',
    birthDate: '1988-04-12',
    memberSince: '2019-03-02',
  },
  {
    id: '2',
    name: 'Jonas Lindqvist',
    username: 'jlindqvist',
    email: 'jonas.lindqvist@example.com',
    birthDate: '1979-11-03',
    memberSince: '2017-08-19',
  },
  {
    id: '3',
    name: 'Priya Raman',
    username: 'priyar',
    email: 'priya.raman@example.com',
    birthDate: '1992-07-21',
    memberSince: '2021-01-11',
  },
  {
    id: '4',
    name: 'Diego Fernández',
    username: 'dfernandez',
    email: 'diego.fernandez@example.com',
    birthDate: '1985-02-28',
    memberSince: '2020-05-30',
  },
  {
    id: '5',
    name: 'Hannah Schmidt',
    username: 'hschmidt',
    email: 'hannah.schmidt@example.com',
    birthDate: '1996-09-14',
    memberSince: '2022-10-07',
  },
  {
    id: '6',
    name: 'Kenji Watanabe',
    username: 'kwatanabe',
    email: 'kenji.watanabe@example.com',
    birthDate: '1970-01-30',
    memberSince: '2016-12-24',
  },
];

export function findUser(id: string): User | undefined {
  return users.find((user) => user.id === id);
}
